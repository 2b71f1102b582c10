import type { Datastore } from 'interface-datastore'
import type { RelayNode } from './libp2p-node.ts'
import type { RelaySnapshot } from './metrics.ts'
import { createRecordTally } from './record-tally.ts'
import type { PushCounters } from './push/push-gateway.ts'

/** At most one walk over the stored DHT records per this period (relay/record-tally.ts). */
const RECORD_TALLY_MAX_AGE_MS = 5000

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
  const tally = createRecordTally(datastore, RECORD_TALLY_MAX_AGE_MS, now)
  return {
    snapshot: async () => {
      const { rss, heapUsed, heapTotal, external } = process.memoryUsage()
      const records = await tally()
      return {
        peerId: node.peerId.toString(),
        uptimeSeconds: Math.floor((now() - startedAt) / 1000),
        connections: node.getConnections().length,
        reservations: node.services.relay.reservations.size,
        dhtRecords: records.records,
        mailboxRecords: records.mailboxRecords,
        mailboxBytes: records.mailboxBytes,
        push: pushCounters(),
        memory: { rss, heapUsed, heapTotal, external }
      }
    }
  }
}
