import type { RelayNode } from './libp2p-node.ts'
import type { RelaySnapshot } from './metrics.ts'
import type { HolderUsage } from '../src/net/holder-datastore.ts'
import type { PushCounters } from './push/push-gateway.ts'
import type { TurnCounters } from './turn-service.ts'

export interface RelayStats {
  /** Everything /metrics shows. Reads counters only: no datastore walk, whatever it holds. */
  snapshot: () => RelaySnapshot
}

/**
 * The relay's numbers. The DHT store's come from the holder datastore's accounting, kept as
 * records come and go, so neither /health nor /metrics ever reads the datastore: an earlier
 * version walked every record (cached a few seconds), which a large store made slow and
 * anyone who can reach /health could make the relay repeat.
 */
export function createRelayStats (
  node: RelayNode,
  storeUsage: () => HolderUsage,
  startedAt: number,
  pushCounters: () => PushCounters,
  turnCounters: () => TurnCounters = () => ({ handed: 0, refused: 0 }),
  now: () => number = Date.now
): RelayStats {
  return {
    snapshot: () => {
      const { rss, heapUsed, heapTotal, external } = process.memoryUsage()
      return {
        peerId: node.peerId.toString(),
        uptimeSeconds: Math.floor((now() - startedAt) / 1000),
        connections: node.getConnections().length,
        reservations: node.services.relay.reservations.size,
        perIp: node.services.connectionCap.counters(),
        store: storeUsage(),
        push: pushCounters(),
        turn: turnCounters(),
        memory: { rss, heapUsed, heapTotal, external }
      }
    }
  }
}
