import '../harness/node-shims.ts'
import { afterEach, describe, expect, it } from 'vitest'
import { createLibp2p, type Libp2p } from 'libp2p'
import { webSockets } from '@libp2p/websockets'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { kadDHT, type KadDHT } from '@libp2p/kad-dht'
import { murmurDhtInit } from '../../src/net/dht-config.ts'
import { getMailboxRecords } from '../../src/net/mailbox-records.ts'
import type { MurmurNode } from '../../src/net/node.ts'
import { validPresenceRecord } from './support/presence-fixture.ts'
import { MemoryDatastore } from 'datastore-core'
import { Key } from 'interface-datastore'
import { toString } from 'uint8arrays'
import { DHT_RECORD_PREFIX } from '../../src/net/record-sweeper.ts'

// kad-dht 16 holds every query until the node's first self-query has run; a mailbox read
// skips that wait (src/net/mailbox-records.ts). Two real DHT servers on loopback: a holder,
// and a reader whose first self-query is an hour away, so any query that waits for it
// visibly hangs.

const nodes: Libp2p[] = []
afterEach(async () => { await Promise.all(nodes.splice(0).map(async (n) => n.stop())) })

async function dhtServer (init: { listen: boolean, selfQueryInMs: number, datastore?: MemoryDatastore }): Promise<Libp2p<{ dht: KadDHT }>> {
  const node = await createLibp2p({
    datastore: init.datastore,
    addresses: { listen: init.listen ? ['/ip4/127.0.0.1/tcp/0/ws'] : [] },
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: {
      identify: identify(),
      ping: ping(),
      dht: kadDHT({ ...murmurDhtInit({ clientMode: false }), initialQuerySelfInterval: init.selfQueryInMs })
    }
  })
  nodes.push(node)
  return node
}

const sleep = async (ms: number): Promise<'still waiting'> => { await new Promise((resolve) => setTimeout(resolve, ms)); return 'still waiting' }

describe('reading a mailbox slot before the first self-query', () => {
  it('gets the holder\'s record at once, where a plain kad-dht get still waits for the self-query', async () => {
    const store = new MemoryDatastore()
    const holder = await dhtServer({ listen: true, selfQueryInMs: 0, datastore: store })
    const reader = await dhtServer({ listen: false, selfQueryInMs: 60 * 60 * 1000 })
    const { key, value } = validPresenceRecord()
    // The holder stores the record itself before looking for peers (it has none to find).
    void (async () => { for await (const _ of holder.services.dht.put(key, value, { signal: AbortSignal.timeout(2000) })) { /* drain */ } })().catch(() => {})
    await expect.poll(async () => store.has(new Key(`${DHT_RECORD_PREFIX}/${toString(key, 'base32')}`, false))).toBe(true)
    await reader.dial(holder.getMultiaddrs()[0]!)
    await expect.poll(() => (reader.services.dht as any).routingTable.size, { timeout: 10_000 }).toBe(1)

    // Upstream behaviour this works around: still waiting after 3 s (the self-query is an hour away).
    const plain = (async () => { for await (const _ of reader.services.dht.get(key)) { /* drain */ } return 'done' })()
    plain.catch(() => {})
    expect(await Promise.race([plain, sleep(3000)])).toBe('still waiting')

    const values = await getMailboxRecords(reader as unknown as MurmurNode, key, { signal: AbortSignal.timeout(10_000) })
    expect(values.some((v) => v.length === value.length && v.every((b, i) => b === value[i]))).toBe(true)
  })
})
