import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import type { MurmurNode } from './node.ts'

export type RelayStatus = 'connecting' | 'reserved' | 'offline'

export interface RelayKeeperInit {
  relays: string[]
  onStatus: (status: RelayStatus) => void
  signal: AbortSignal
  /**
   * Asks where the relays are now (the relay's /murmur-config.json) after a round of
   * failed dials: a relay that restarted on another address is found again without a reload.
   */
  refreshRelays?: () => Promise<string[]>
  /** Backoff bounds between redials, in ms. */
  minDelay?: number
  maxDelay?: number
}

const peersOf = (addrs: Multiaddr[]): Set<string> =>
  new Set(addrs.map((ma) => ma.getComponents().findLast((c) => c.name === 'p2p')?.value).filter((v) => v != null))

const hasReservation = (node: MurmurNode): boolean =>
  node.getMultiaddrs().some((ma) => ma.toString().includes('/p2p-circuit'))

/**
 * Keeps the tab connected to its relays: dials them, watches for the circuit reservation
 * that makes the tab reachable, and redials with backoff when a relay goes away.
 */
export function keepRelaysConnected (node: MurmurNode, init: RelayKeeperInit): void {
  const minDelay = init.minDelay ?? 500
  const maxDelay = init.maxDelay ?? 15_000
  let relayAddrs = init.relays.map((r) => multiaddr(r))
  let relayPeers = peersOf(relayAddrs)
  let delay = minDelay
  let timer: ReturnType<typeof setTimeout> | undefined

  const report = (): void => {
    init.onStatus(hasReservation(node) ? 'reserved' : relayConnected() ? 'connecting' : 'offline')
  }
  const relayConnected = (): boolean =>
    node.getConnections().some((c) => relayPeers.has(c.remotePeer.toString()))

  const dialAll = async (): Promise<void> => {
    if (init.signal.aborted) return
    report()
    const results = await Promise.allSettled(relayAddrs.map(async (ma) =>
      node.dial(ma, { signal: AbortSignal.any([init.signal, AbortSignal.timeout(10_000)]) })))
    if (results.some((r) => r.status === 'fulfilled')) {
      delay = minDelay
    } else {
      await refresh()
      schedule()
    }
    report()
  }
  const refresh = async (): Promise<void> => {
    try {
      const relays = await init.refreshRelays?.()
      if (relays == null || relays.length === 0) return
      relayAddrs = relays.map((r) => multiaddr(r))
      relayPeers = peersOf(relayAddrs)
    } catch {
      // Keep the addresses we have; the next round asks again.
    }
  }
  const schedule = (): void => {
    if (init.signal.aborted || timer != null) return
    timer = setTimeout(() => { timer = undefined; void dialAll() }, delay)
    delay = Math.min(maxDelay, delay * 2)
  }

  const onDisconnect = (evt: CustomEvent<{ toString: () => string }>): void => {
    if (relayPeers.has(evt.detail.toString())) { report(); schedule() }
  }
  node.addEventListener('peer:disconnect', onDisconnect)
  node.addEventListener('self:peer:update', report)
  // libp2p 3.3 debounces self:peer:update by a second after a listener's addresses change;
  // the circuit listener says so at once, and its addresses are already readable then.
  node.addEventListener('transport:listening', report)
  init.signal.addEventListener('abort', () => {
    clearTimeout(timer)
    node.removeEventListener('peer:disconnect', onDisconnect)
    node.removeEventListener('self:peer:update', report)
    node.removeEventListener('transport:listening', report)
  }, { once: true })
  void dialAll()
}
