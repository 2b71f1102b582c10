import '../../harness/node-shims.ts'
import { afterEach, describe, expect, it } from 'vitest'
import { createLibp2p, type Libp2p } from 'libp2p'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { kadDHT, type KadDHT } from '@libp2p/kad-dht'
import { murmurDhtInit } from '../../../src/net/dht-config.ts'
import { addDhtPeersWhenAddressed } from '../../../src/net/dht-routing.ts'

/**
 * kad-dht 16 takes a peer into its routing table only on connect, and only if its addresses
 * are known then (src/net/dht-routing.ts). These tests pin what the workaround relies on:
 * kad-dht's routingTable field and its methods. That a tab addressed
 * late joins the relay's table is shown end to end: test/e2e/mailbox.test.ts needs records
 * on several holders (the table's add checks the peer over a live connection, which a node
 * without transports cannot give). The relay's half, dropping peers that left, is tested in
 * test/relay/dht-routing.test.ts.
 */
let node: Libp2p<{ dht: KadDHT }> | undefined
afterEach(async () => { await node?.stop() })

async function dhtNode (replication?: number): Promise<Libp2p<{ dht: KadDHT }>> {
  node = await createLibp2p({ services: { identify: identify(), ping: ping(), dht: kadDHT(murmurDhtInit({ clientMode: false, replication })) } })
  addDhtPeersWhenAddressed(node)
  return node
}

const table = (n: Libp2p<{ dht: KadDHT }>): any => (n.services.dht as any).routingTable

describe('the DHT replication (Kademlia k)', () => {
  it('is kad-dht\'s bucket size, which is also how many closest peers a PUT stores on', async () => {
    expect(table(await dhtNode()).kBucketSize).toBe(20)
    await node!.stop()
    expect(table(await dhtNode(7)).kBucketSize).toBe(7)
  })
})

describe('adding DHT peers once their addresses are known', () => {
  it('kad-dht still exposes the routing table this relies on', async () => {
    const n = await dhtNode()
    expect(typeof table(n)?.find).toBe('function')
    expect(typeof table(n)?.add).toBe('function')
    expect(typeof table(n)?.remove).toBe('function')
  })
})
