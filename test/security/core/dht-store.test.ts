// Issue 15, item 12 (second half): the tab's DHT store (IndexedDB `murmur-dht`) held this
// profile's own presence and prekey records, which kad-dht copies locally when it publishes
// them, and the peer store (whom the tab connected to). With a passphrase set, a copy of the
// browser profile then still said whose it was. Now those live in memory only.
// Before the fix: startNetwork gave the node the IndexedDB store itself; the 'as before'
// case below is that composition, and the scan finds the user id in it.
import '../../harness/node-shims.ts'
import { afterEach, describe, expect, it } from 'vitest'
import { createLibp2p, type Libp2p } from 'libp2p'
import { kadDHT, type KadDHT } from '@libp2p/kad-dht'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { MemoryDatastore } from 'datastore-core'
import { Key, type Datastore } from 'interface-datastore'
import { toString } from 'uint8arrays'
import { murmurDhtInit } from '../../../src/net/dht-config.ts'
import { openTabDatastore } from '../../../src/net/tab-datastore.ts'
import { PUT_FROM_OPTION } from '../../../src/net/put-from.ts'
import { DHT_RECORD_PREFIX } from '../../../src/net/record-sweeper.ts'
import { createIdentity } from '../../../src/core/identity.ts'
import { encodePresence, presenceKey } from '../../../src/core/presence.ts'
import { createDhIdentity, createSignedPrekey } from '../../../src/core/x3dh/index.ts'
import { prekeyKey } from '../../../src/core/x3dh/prekey.ts'
import { encodeUserId } from '../../../src/core/user-id.ts'

const nodes: Libp2p[] = []
afterEach(async () => { await Promise.all(nodes.splice(0).map(async (n) => n.stop())) })

const me = createIdentity()
const userId = encodeUserId(me.publicKey)
const someone = createIdentity()

/** Every key and value on `disk`, as text (keys) and bytes (values), searched for this profile. */
async function namesMe (disk: Datastore): Promise<string[]> {
  const found: string[] = []
  const b32 = (bytes: Uint8Array): string => toString(bytes, 'base32')
  for await (const { key, value } of disk.query({})) {
    const text = key.toString()
    if (text.includes(b32(presenceKey(me.publicKey))) || text.includes(b32(prekeyKey(me.publicKey)))) found.push(`key ${text}`)
    if (text.startsWith('/peers/')) found.push(`peer ${text}`)
    const hex = Buffer.from(value).toString('hex')
    if (Buffer.from(value).includes(Buffer.from(userId)) || hex.includes(Buffer.from(me.publicKey).toString('hex'))) found.push(`value under ${text}`)
  }
  return found
}

/** A tab's DHT node, as startNetwork makes it, on `datastore`; it publishes as the presence publisher does. */
async function publishingTab (datastore: Datastore): Promise<Libp2p<{ dht: KadDHT }>> {
  const node = await createLibp2p({ datastore, services: { identify: identify(), ping: ping(), dht: kadDHT(murmurDhtInit({ clientMode: false })) } })
  nodes.push(node)
  const presence = encodePresence(me, { seq: 1, expiresAt: Date.now() + 3_600_000, peers: [{ peerId: node.peerId.toString(), addrs: [`/ip4/127.0.0.1/tcp/4001/ws/p2p/${node.peerId.toString()}/p2p-circuit/webrtc`] }] })
  const prekey = createSignedPrekey(me, createDhIdentity(me), 7).record
  for (const [key, value] of [[presenceKey(me.publicKey), presence], [prekeyKey(me.publicKey), prekey]] as const) {
    // No peers here: kad-dht keeps its own copy first, then finds nobody to send it to.
    await node.contentRouting.put(key, value, { signal: AbortSignal.timeout(500) }).catch(() => undefined)
  }
  // Someone we talked to, as identify and dialling leave them in the peer store.
  const other = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
  await node.peerStore.merge(other, { multiaddrs: [multiaddr('/ip4/127.0.0.1/tcp/4002/ws')] })
  // A record held for someone else, PUT by a remote peer.
  const held = encodePresence(someone, { seq: 1, expiresAt: Date.now() + 3_600_000, peers: [] })
  await datastore.put(new Key(`${DHT_RECORD_PREFIX}/${toString(presenceKey(someone.publicKey), 'base32')}`, false), held, { [PUT_FROM_OPTION]: other } as never)
  return node
}

describe('the tab\'s DHT store on disk', () => {
  it('as before (the IndexedDB store given to the node as it is): it names this profile', async () => {
    const disk = new MemoryDatastore()
    await publishingTab(disk)
    expect((await namesMe(disk)).length).toBeGreaterThanOrEqual(3)
  })

  it('holds no record that names this profile, nor the peer store; records held for others stay', async () => {
    const disk = new MemoryDatastore()
    const mounted = await openTabDatastore(disk, me.publicKey)
    const node = await publishingTab(mounted)
    expect(await namesMe(disk)).toEqual([])
    // The node still has them while it runs.
    expect(await mounted.has(new Key(`${DHT_RECORD_PREFIX}/${toString(presenceKey(me.publicKey), 'base32')}`, false))).toBe(true)
    expect(await node.peerStore.all()).toHaveLength(1)
    expect(await disk.has(new Key(`${DHT_RECORD_PREFIX}/${toString(presenceKey(someone.publicKey), 'base32')}`, false))).toBe(true)
  })

  it('deletes what an earlier version left on disk', async () => {
    const disk = new MemoryDatastore()
    await publishingTab(disk)
    await openTabDatastore(disk, me.publicKey)
    expect(await namesMe(disk)).toEqual([])
  })
})
