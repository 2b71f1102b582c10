import { lpStream } from '@libp2p/utils'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Libp2p, Stream } from '@libp2p/interface'
import { isIceServer } from './app-config.ts'

// TURN credentials, only for tabs that hold a reservation on the relay (issue 15 item 11).
// /murmur-config.json is fetched over plain HTTP before libp2p starts, so anything in it is
// anyone's: a TURN credential there let every stranger on the internet relay traffic
// through the operator's TURN server. The configuration now names the TURN URLs only, and a
// tab asks its relay for credentials over this protocol, on the libp2p connection that
// carries its reservation; the relay answers only a peer that holds one (relay/turn-service.ts).
//
// Wire (docs/PROTOCOL.md "TURN credentials"): the tab opens a stream and sends nothing; the
// relay writes one length-prefixed frame of UTF-8 JSON, `{ "iceServers": [...] }` or
// `{ "error": "<sentence>" }`, and closes.
export const TURN_PROTOCOL = '/murmur/turn-credentials/1.0.0'
export const MAX_TURN_FRAME_BYTES = 4096
const WAIT_FOR_RESERVATION_MS = 10_000

export class TurnCredentialsError extends Error {
  override name = 'TurnCredentialsError'
}

/** A TURN entry the configuration names without a credential: the credential comes over libp2p. */
export function isTurnWithoutCredential (server: RTCIceServer): boolean {
  const urls = typeof server.urls === 'string' ? [server.urls] : server.urls
  return urls.some((u) => /^turns?:/i.test(u)) && (server.username == null || server.credential == null)
}

/** Checks the relay's answer where it enters. */
export function parseTurnAnswer (frame: Uint8Array): RTCIceServer[] {
  let body: unknown
  try {
    body = JSON.parse(new TextDecoder().decode(frame))
  } catch {
    throw new TurnCredentialsError('The relay\'s TURN answer is not JSON.')
  }
  const { iceServers, error } = (typeof body === 'object' && body != null ? body : {}) as Record<string, unknown>
  if (typeof error === 'string') throw new TurnCredentialsError(`The relay gave no TURN credentials: ${error.slice(0, 200)}`)
  if (!Array.isArray(iceServers) || iceServers.length > 8 || !iceServers.every(isIceServer)) {
    throw new TurnCredentialsError('The relay\'s TURN answer has a malformed ICE server list.')
  }
  return iceServers
}

/** Writes the relay's one frame and closes the stream. */
export async function writeTurnAnswer (stream: Stream, answer: { iceServers: unknown[] } | { error: string }): Promise<void> {
  const lp = lpStream(stream, { maxDataLength: MAX_TURN_FRAME_BYTES })
  await lp.write(new TextEncoder().encode(JSON.stringify(answer)))
  await stream.close()
}

/** Peer ids of the relays this node holds a reservation on (its /p2p-circuit addresses name them). */
export function reservedRelays (node: Pick<Libp2p, 'getMultiaddrs'>): string[] {
  const relays = new Set<string>()
  for (const addr of node.getMultiaddrs()) {
    const parts = addr.getComponents()
    const circuit = parts.findIndex((c) => c.name === 'p2p-circuit')
    const relay = circuit > 0 ? parts[circuit - 1] : undefined
    if (relay?.name === 'p2p' && relay.value != null) relays.add(relay.value)
  }
  return [...relays]
}

async function aReservedRelay (node: Libp2p, signal: AbortSignal): Promise<string> {
  const now = reservedRelays(node)[0]
  if (now != null) return now
  return new Promise<string>((resolve, reject) => {
    const check = (): void => {
      const relay = reservedRelays(node)[0]
      if (relay != null) { done(); resolve(relay) }
    }
    const timer = setTimeout(() => { done(); reject(new TurnCredentialsError('No relay reservation yet, so no TURN credentials.')) }, WAIT_FOR_RESERVATION_MS)
    const abort = (): void => { done(); reject(signal.reason) }
    const done = (): void => {
      clearTimeout(timer)
      node.removeEventListener('self:peer:update', check)
      node.removeEventListener('transport:listening', check)
      signal.removeEventListener('abort', abort)
    }
    node.addEventListener('self:peer:update', check)
    node.addEventListener('transport:listening', check)
    signal.addEventListener('abort', abort, { once: true })
  })
}

/**
 * Asks the relay this node holds a reservation on for TURN credentials, waiting a few
 * seconds for a reservation when the tab has none yet. Throws TurnCredentialsError.
 */
export async function fetchTurnServers (node: Libp2p, signal: AbortSignal): Promise<RTCIceServer[]> {
  const relay = await aReservedRelay(node, signal)
  const stream = await node.dialProtocol(peerIdFromString(relay), TURN_PROTOCOL, { signal })
  try {
    const lp = lpStream(stream, { maxDataLength: MAX_TURN_FRAME_BYTES })
    const servers = parseTurnAnswer((await lp.read({ signal })).subarray())
    await stream.close({ signal })
    return servers
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)))
    throw err
  }
}
