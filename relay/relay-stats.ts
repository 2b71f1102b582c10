import type { Datastore } from 'interface-datastore'
import type { RelayNode } from './libp2p-node.ts'
import type { RelaySnapshot } from './metrics.ts'
import { DHT_RECORD_PREFIX } from './record-sweeper.ts'
import type { PushCounters } from './push/push-gateway.ts'

/** Counting walks the datastore, so a burst of scrapes shares one count for this long. */
const RECORD_COUNT_MAX_AGE_MS = 1000

export interface RelayStats {
  snapshot: () => Promise<RelaySnapshot>
}

export function createRelayStats (
  node: RelayNode,
  datastore: Datastore,
  startedAt: number,
  pushCounters: () => PushCounters,
  now: () => number = Date.now
): RelayStats {
  let counted: { at: number, count: Promise<number> } | undefined

  async function countRecords (): Promise<number> {
    let count = 0
    for await (const _ of datastore.queryKeys({ prefix: DHT_RECORD_PREFIX })) count++
    return count
  }

  function dhtRecords (): Promise<number> {
    if (counted == null || now() - counted.at > RECORD_COUNT_MAX_AGE_MS) {
      counted = { at: now(), count: countRecords() }
      counted.count.catch(() => { counted = undefined })
    }
    return counted.count
  }

  return {
    snapshot: async () => {
      const { rss, heapUsed, heapTotal, external } = process.memoryUsage()
      return {
        peerId: node.peerId.toString(),
        uptimeSeconds: Math.floor((now() - startedAt) / 1000),
        connections: node.getConnections().length,
        reservations: node.services.relay.reservations.size,
        dhtRecords: await dhtRecords(),
        push: pushCounters(),
        memory: { rss, heapUsed, heapTotal, external }
      }
    }
  }
}
