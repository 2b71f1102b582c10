import { byteStream } from '@libp2p/utils'
import type { Connection } from '@libp2p/interface'
import type { Logger } from '../diagnostics/index.ts'
import { peerConnectionOf } from './connection-path.ts'
import type { DmLink } from './dm-link.ts'

/** libp2p's ping protocol: 32 random bytes, echoed. Every node runs its handler (src/net/node.ts). */
const PING_PROTOCOL = '/ipfs/ping/1.0.0'
const PING_BYTES = 32

/** A link that carried nothing back for this long is pinged. */
export const KEEPALIVE_IDLE_MS = 3_000
/** A ping not answered in this time fails the link (a ping over a live WebRTC link takes milliseconds). */
export const KEEPALIVE_TIMEOUT_MS = 2_000
/**
 * The ping asked for when a receipt is overdue on the link: the link is already suspect and
 * messages wait on the answer (a dead far end holds DHT walks open until its connection
 * closes), so it gets less time. A live link that misses it only redials.
 */
export const OVERDUE_CHECK_TIMEOUT_MS = 1_000

/** One libp2p ping on this very connection (not any connection to the peer); rejects on a wrong or missing echo. */
export async function pingConnection (connection: Connection, signal: AbortSignal): Promise<void> {
  const stream = await connection.newStream(PING_PROTOCOL, { signal, runOnLimitedConnection: true })
  try {
    const bytes = byteStream(stream)
    const data = crypto.getRandomValues(new Uint8Array(PING_BYTES))
    await bytes.write(data, { signal })
    const echo = (await bytes.read({ bytes: PING_BYTES, signal })).subarray()
    if (echo.length !== PING_BYTES || !echo.every((b, i) => b === data[i])) throw new Error('wrong ping echo')
    // The echo came: a close that fails now says nothing about the link.
    void stream.close().catch(() => { stream.abort(new Error('ping close failed')) })
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)))
    throw err
  }
}

export interface KeepaliveInit {
  log: Logger
  /** The network's shutdown. */
  signal: AbortSignal
  idleMs?: number
  timeoutMs?: number
  ping?: (connection: Connection, signal: AbortSignal) => Promise<void>
}

/**
 * Watches one bound link so that a far end that vanished (a killed browser says nothing on
 * the wire, and WebRTC keeps calling the connection "connected" for tens of seconds) is
 * noticed within seconds: a ping when the link has carried nothing back for KEEPALIVE_IDLE_MS,
 * and the RTCPeerConnection's own state. A failed check aborts the connection at once: the
 * link ends, leaves the link table, and the next send redials or goes to the mailbox.
 * Stops when the link closes.
 */
export function keepLinkAlive (link: DmLink, init: KeepaliveInit): void {
  const idleMs = init.idleMs ?? KEEPALIVE_IDLE_MS
  const timeoutMs = init.timeoutMs ?? KEEPALIVE_TIMEOUT_MS
  const ping = init.ping ?? pingConnection
  const connection = link.connection
  const stop = new AbortController()
  const signal = AbortSignal.any([stop.signal, init.signal])
  let checking = false

  const fail = (reason: string): void => {
    if (stop.signal.aborted) return
    init.log('the link to %s failed its check (%s): closing it', connection.remotePeer.toString(), reason)
    stop.abort()
    connection.abort(new Error(`keepalive: ${reason}`))
  }
  const check = async (within = timeoutMs): Promise<void> => {
    if (checking || signal.aborted) return
    checking = true
    try {
      await ping(connection, AbortSignal.any([signal, AbortSignal.timeout(within)]))
      link.heard()
    } catch (err) {
      if (!signal.aborted) fail(err instanceof Error ? err.name : 'ping failed')
    } finally {
      checking = false
    }
  }

  link.check = (within?: number) => { void check(within) }
  const timer = setInterval(() => {
    if (Date.now() - link.lastHeard >= idleMs) void check()
  }, Math.max(250, Math.floor(idleMs / 3)))
  const pc = peerConnectionOf(connection)
  const onState = (): void => {
    // "failed" and "closed" are final; "disconnected" may recover, so it asks for a ping now.
    if (pc?.connectionState === 'failed' || pc?.connectionState === 'closed') fail(`peer connection ${pc.connectionState}`)
    else if (pc?.connectionState === 'disconnected') void check()
  }
  pc?.addEventListener('connectionstatechange', onState)
  const end = (): void => {
    stop.abort()
    clearInterval(timer)
    pc?.removeEventListener('connectionstatechange', onState)
  }
  signal.addEventListener('abort', end, { once: true })
  void link.closed.then(end)
}
