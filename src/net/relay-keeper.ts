import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import type { MurmurNode } from './node.ts'
import type { RelayStatus } from '../core/ports/network.ts'
import { backoffDelay, RETRY_BACKOFF, type BackoffPolicy } from '../core/backoff.ts'

/**
 * Reservations a tab keeps at once. Two, so that when one relay goes away the tab stays
 * reachable through the other while it reserves on a third; the node listens on
 * `/p2p-circuit` once per reservation (src/net/node.ts).
 */
export const RELAY_RESERVATIONS = 2

export interface RelayKeeperInit {
  /** Known relays, best first: the relay that served the app, the user's, the build's, its neighbours. */
  relays: string[]
  /** `relays` is how many relays hold a reservation for this tab now. */
  onStatus: (status: RelayStatus, relays: number) => void
  signal: AbortSignal
  /**
   * Asks where the relays are now (the relay's /murmur-config.json) after a round of
   * failed dials: a relay that restarted on another address is found again without a reload.
   */
  refreshRelays?: () => Promise<string[]>
  /** Backoff between redial rounds (src/core/backoff.ts): 0.5 s doubling to 5 s, full jitter. */
  backoff?: BackoffPolicy
  random?: () => number
  /**
   * Registers a callback for moments worth a redial at once (src/net/reconnect-chance.ts:
   * the browser is back online, the page became visible); returns its removal.
   */
  wake?: (redial: () => void) => () => void
}

const peerOf = (ma: Multiaddr): string | undefined => ma.getComponents().findLast((c) => c.name === 'p2p')?.value

/** The known relays by peer id, in order of preference, each with its addresses. */
function relaysByPeer (addrs: string[]): Map<string, Multiaddr[]> {
  const byPeer = new Map<string, Multiaddr[]>()
  for (const addr of addrs) {
    const ma = multiaddr(addr)
    const peer = peerOf(ma)
    if (peer == null) continue
    byPeer.set(peer, [...(byPeer.get(peer) ?? []), ma])
  }
  return byPeer
}

/** An address without its /p2p/<id>: where a relay listens, whoever it is now. */
const transportOf = (ma: Multiaddr): string => ma.toString().split('/p2p/')[0]!

/**
 * The known addresses a fresh list does not contradict: one where a relay with another
 * peer id now listens belonged to a relay that was replaced (a new machine on the same
 * address), and dialing it again can only fail.
 */
function stillValid (known: Multiaddr[], fresh: string[]): string[] {
  const taken = new Set(fresh.map((f) => transportOf(multiaddr(f))))
  return known.filter((ma) => !taken.has(transportOf(ma))).map(String)
}

/** How many reservations to ask for: two, or one when only one relay is known. */
export function reservationsFor (relays: string[]): number {
  return Math.max(1, Math.min(RELAY_RESERVATIONS, relaysByPeer(relays).size))
}

/** The relays this tab holds a reservation on: the relay part of each circuit address. */
export function reservedRelays (node: MurmurNode): Set<string> {
  const relays = new Set<string>()
  for (const ma of node.getMultiaddrs()) {
    const text = ma.toString()
    const at = text.indexOf('/p2p-circuit')
    if (at === -1) continue
    const relay = peerOf(multiaddr(text.slice(0, at)))
    if (relay != null) relays.add(relay)
  }
  return relays
}

/**
 * Keeps the tab connected to RELAY_RESERVATIONS of its known relays: dials them in order
 * of preference until that many are connected, and when one goes away dials the next at
 * once (then with backoff, and at once again when the browser comes back online or the
 * page becomes visible). circuit-relay-v2 reserves on each relay connection as it
 * opens, for as many reservations as the node listens for, and gives a lost one back
 * to the next relay that connects.
 */
export function keepRelaysConnected (node: MurmurNode, init: RelayKeeperInit): void {
  const backoff = init.backoff ?? RETRY_BACKOFF
  let relays = relaysByPeer(init.relays)
  /** Rounds in a row that ended short of relays. */
  let failures = 0
  /** Until the first round ends, "no relay" only means "not dialled yet": say nothing. */
  let settled = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let dialing = false
  /** A relay went away during a round: run another when this one ends. */
  let again = false

  const connectedRelays = (): string[] =>
    [...relays.keys()].filter((peer) => node.getConnections().some((c) => c.remotePeer.toString() === peer && c.limits == null))
  const wanted = (): number => Math.min(RELAY_RESERVATIONS, relays.size)

  const report = (): void => {
    const reserved = reservedRelays(node).size
    const status = reserved > 0 ? 'reserved' : connectedRelays().length > 0 ? 'connecting' : 'offline'
    if (status === 'offline' && !settled) return
    init.onStatus(status, reserved)
  }

  const dialOne = async (addrs: Multiaddr[]): Promise<boolean> => {
    for (const ma of addrs) {
      try {
        await node.dial(ma, { signal: AbortSignal.any([init.signal, AbortSignal.timeout(10_000)]) })
        return true
      } catch {
        // The next address of the same relay, if it has one.
      }
    }
    return false
  }

  /** Dials the next relays in order until enough are connected or the list runs out. */
  const dialRound = async (): Promise<void> => {
    if (init.signal.aborted) return
    if (dialing) { again = true; return }
    dialing = true
    try {
      report()
      const connected = new Set(connectedRelays())
      const candidates = [...relays].filter(([peer]) => !connected.has(peer))
      let missing = wanted() - connected.size
      while (missing > 0 && candidates.length > 0 && !init.signal.aborted) {
        const batch = candidates.splice(0, missing)
        const results = await Promise.all(batch.map(async ([, addrs]) => dialOne(addrs)))
        missing -= results.filter(Boolean).length
      }
      if (connectedRelays().length === 0) await refresh()
      if (connectedRelays().length < wanted()) schedule()
      else failures = 0
    } finally {
      dialing = false
      settled = true
    }
    report()
    if (again) { again = false; void dialRound() }
  }
  const refresh = async (): Promise<void> => {
    try {
      const fresh = await init.refreshRelays?.()
      if (fresh == null || fresh.length === 0) return
      relays = relaysByPeer([...fresh, ...stillValid([...relays.values()].flat(), fresh)])
    } catch {
      // Keep the addresses we have; the next round asks again.
    }
  }
  const schedule = (): void => {
    if (init.signal.aborted || timer != null) return
    failures++
    timer = setTimeout(() => { timer = undefined; void dialRound() }, backoffDelay(failures, backoff, init.random))
  }
  /** Now, not after the backoff: a relay went away, the browser is back online, the page is visible. */
  const redialNow = (): void => {
    if (init.signal.aborted) return
    clearTimeout(timer)
    timer = undefined
    failures = 0
    void dialRound()
  }

  const onDisconnect = (evt: CustomEvent<{ toString: () => string }>): void => {
    if (!relays.has(evt.detail.toString())) return
    report()
    // Losing a relay is the moment to fail over: dial the next one now, not after backoff.
    redialNow()
  }
  const stopWaking = init.wake?.(() => { if (connectedRelays().length < wanted()) redialNow() })
  node.addEventListener('peer:disconnect', onDisconnect)
  node.addEventListener('self:peer:update', report)
  // libp2p 3.3 debounces self:peer:update by a second after a listener's addresses change;
  // the circuit listener says so at once, and its addresses are already readable then.
  node.addEventListener('transport:listening', report)
  init.signal.addEventListener('abort', () => {
    clearTimeout(timer)
    stopWaking?.()
    node.removeEventListener('peer:disconnect', onDisconnect)
    node.removeEventListener('self:peer:update', report)
    node.removeEventListener('transport:listening', report)
  }, { once: true })
  void dialRound()
}
