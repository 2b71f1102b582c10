import { describe, expect, it } from 'vitest'
import { MemoryDatastore } from 'datastore-core'
import { createRelayStats } from '../../relay/relay-stats.ts'
import { healthOf, renderMetrics } from '../../relay/metrics.ts'
import type { RelayNode } from '../../relay/libp2p-node.ts'
import { HolderDatastore } from '../../src/net/holder-datastore.ts'
import { from, freshPeerId, presence, stored } from './support/records.ts'

// Issue 15 item 11: /health (which anyone who reaches the relay can call, and monitors call
// often) must stay cheap however large the DHT store grows. It used to take a snapshot that
// walked every stored record (relay/record-tally.ts, cached for 5 s), and /metrics too.
// The stats get a store that counts walks; both routes must make none.

const node = {
  peerId: { toString: () => '12D3KooWGC6TvWhfapngX6wvJHMYvKpDMXPb3ZnCZ6dMoaMtimQ5' },
  getConnections: () => [],
  services: { relay: { reservations: new Map() }, connectionCap: { counters: () => ({ refused: 0, busiest: 0 }) } }
} as unknown as RelayNode

describe('/health and /metrics under a large DHT store', () => {
  it('answer from counters and never walk the datastore', async () => {
    const inner = new MemoryDatastore()
    const holder = await HolderDatastore.open(inner)
    for (let i = 0; i < 200; i++) {
      const { key, value } = stored(presence())
      await holder.put(key, value, from(await freshPeerId()))
    }
    let walks = 0
    const query = inner.query.bind(inner)
    inner.query = (...args) => { walks++; return query(...args) }
    // Handed over as the store's usage; it also answers query(), the way the old stats read
    // their datastore, so a walk is counted whichever way the stats look.
    const usage = Object.assign(() => holder.usage(), { query: inner.query.bind(inner) })
    const stats = createRelayStats(node, usage, Date.now(), () => ({ sent: 0, errors: 0, rateLimited: 0, subscriptions: 0, registrationsRefused: 0, expired: 0 }))
    for (let i = 0; i < 20; i++) expect(healthOf(await stats.snapshot())).toMatchObject({ status: 'ok' })
    expect(walks).toBe(0)
    for (let i = 0; i < 20; i++) {
      expect(renderMetrics(await stats.snapshot())).toMatch(/murmur_relay_dht_namespace_records\{namespace="murmur-presence"\} 200/)
    }
    expect(walks).toBe(0)
  })
})
