// Finds tabs that vanished without closing their connection (a phone that lost its network,
// a laptop lid shut) so their reservations are freed in about a minute, not after the
// ~15 minutes TCP takes to give up on a silent peer.
//
// libp2p's own connection monitor does this by pinging every connection in the same tick
// every 10 s. On a relay holding thousands of tabs that is thousands of ping streams at
// once, a stall every 10 s that newcomers' handshakes wait behind (bench:relay-load). This
// one spreads the same work: each connection has a slot, derived from its id, among
// `intervalMs / tickMs` slots, and each tick pings only the connections in that tick's slot.
import type { Connection, Libp2p } from '@libp2p/interface'
import { byteStream } from '@libp2p/utils'
import { propertyOf } from '../src/diagnostics/index.ts'

export const PING_PROTOCOL = '/ipfs/ping/1.0.0'
const PING_BYTES = 32

export interface LivenessOptions {
  /** Each connection is pinged once per interval. */
  intervalMs: number
  /** How often a slice of the connections is pinged. */
  tickMs: number
  /** A ping without an answer by then means the peer is gone: its connection is aborted. */
  timeoutMs: number
}

export const RELAY_LIVENESS: LivenessOptions = { intervalMs: 30_000, tickMs: 500, timeoutMs: 20_000 }

/** The tick (among `slots`) in which a connection is pinged: stable, spread by its id. */
export function slotOf (connectionId: string, slots: number): number {
  // FNV-1a: ids are random already; this only turns one into a small number evenly.
  let hash = 0x811c9dc5
  for (let i = 0; i < connectionId.length; i++) {
    hash = Math.imul(hash ^ connectionId.charCodeAt(i), 0x01000193) >>> 0
  }
  return hash % slots
}

/**
 * One ping on this very connection (not "some connection to the peer"). A peer that does
 * not speak ping still answered multistream-select, so it is alive.
 */
export async function pingConnection (conn: Connection, timeoutMs: number): Promise<'alive' | 'gone'> {
  const signal = AbortSignal.timeout(timeoutMs)
  let stream
  try {
    stream = await conn.newStream(PING_PROTOCOL, { signal, runOnLimitedConnection: true })
    const bytes = byteStream(stream)
    const sent = crypto.getRandomValues(new Uint8Array(PING_BYTES))
    const [, echoed] = await Promise.all([
      bytes.write(sent, { signal }),
      bytes.read({ bytes: PING_BYTES, signal })
    ])
    await stream.close({ signal })
    return echoed.subarray().every((b, i) => b === sent[i]) ? 'alive' : 'gone'
  } catch (err) {
    stream?.abort(err instanceof Error ? err : new Error(String(err)))
    return propertyOf(err, 'name') === 'UnsupportedProtocolError' ? 'alive' : 'gone'
  }
}

export interface Liveness {
  stop: () => void
  /** Connections aborted because their peer stopped answering. */
  aborted: () => number
}

export function startLiveness (node: Pick<Libp2p, 'getConnections' | 'addEventListener' | 'removeEventListener'>, options: LivenessOptions = RELAY_LIVENESS): Liveness {
  const slots = Math.max(1, Math.round(options.intervalMs / options.tickMs))
  // Kept from the connection events rather than asked for each tick: listing every
  // connection costs a relay of thousands more than the pings of one slot.
  const bySlot = Array.from({ length: slots }, () => new Set<Connection>())
  const opened = (event: CustomEvent<Connection>): void => { bySlot[slotOf(event.detail.id, slots)]!.add(event.detail) }
  const closed = (event: CustomEvent<Connection>): void => { bySlot[slotOf(event.detail.id, slots)]!.delete(event.detail) }
  for (const conn of node.getConnections()) bySlot[slotOf(conn.id, slots)]!.add(conn)
  node.addEventListener('connection:open', opened)
  node.addEventListener('connection:close', closed)
  const inFlight = new WeakSet<Connection>()
  let tick = 0
  let aborted = 0
  const timer = setInterval(() => {
    for (const conn of bySlot[tick++ % slots]!) {
      if (conn.status !== 'open' || inFlight.has(conn)) continue
      inFlight.add(conn)
      void pingConnection(conn, options.timeoutMs).then((result) => {
        inFlight.delete(conn)
        if (result === 'gone' && conn.status === 'open') {
          aborted++
          conn.abort(new Error('the peer stopped answering pings'))
        }
      })
    }
  }, options.tickMs)
  // A relay's stop must not wait for the next tick.
  timer.unref?.()
  return {
    stop: () => {
      clearInterval(timer)
      node.removeEventListener('connection:open', opened)
      node.removeEventListener('connection:close', closed)
    },
    aborted: () => aborted
  }
}
