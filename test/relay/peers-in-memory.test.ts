import '../harness/node-shims.ts'
import { afterEach, describe, expect, it } from 'vitest'
import { MemoryDatastore } from 'datastore-core'
import { Key } from 'interface-datastore'
import { createLibp2p, type Libp2p } from 'libp2p'
import { webSockets } from '@libp2p/websockets'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { kadDHT, type KadDHT } from '@libp2p/kad-dht'
import { murmurDhtInit } from '../../src/net/dht-config.ts'
import { forgetGonePeers, PeersInMemory } from '../../relay/peers-in-memory.ts'

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)

/** Stands in for the relay's LevelDB (the relay's own tests run it for real): records every put's options. */
class Disk extends MemoryDatastore {
  readonly putOptions: unknown[] = []
  override async put (key: Key, value: Uint8Array, options?: any): Promise<Key> {
    this.putOptions.push(options)
    return await super.put(key, value)
  }
}

describe('the relay\'s peer store in memory', () => {
  it('keeps /peers/ in memory, passes everything else (and its options) to disk, and clears an old peer store from disk', async () => {
    const disk = new Disk()
    await disk.put(new Key('/peers/old'), bytes('from an earlier version'))
    await disk.put(new Key('/dht/record/kept'), bytes('a record'))
    const store = await PeersInMemory.over(disk)
    expect(await disk.has(new Key('/peers/old'))).toBe(false)
    expect(await store.has(new Key('/dht/record/kept'))).toBe(true)

    await store.put(new Key('/peers/tab'), bytes('identify'))
    await store.put(new Key('/dht/record/new'), bytes('record'), { murmurPutFrom: 'writer' } as any)
    expect(await disk.has(new Key('/peers/tab'))).toBe(false)
    expect(await store.get(new Key('/peers/tab'))).toEqual(bytes('identify'))
    expect(await disk.get(new Key('/dht/record/new'))).toEqual(bytes('record'))
    expect(disk.putOptions.at(-1)).toEqual({ murmurPutFrom: 'writer' })

    const keys = async (prefix?: string): Promise<string[]> => {
      const out: string[] = []
      for await (const { key } of store.query(prefix == null ? {} : { prefix })) out.push(key.toString())
      return out.sort()
    }
    expect(await keys('/peers/')).toEqual(['/peers/tab'])
    expect(await keys('/dht/record')).toEqual(['/dht/record/kept', '/dht/record/new'])
    expect(await keys()).toEqual(['/dht/record/kept', '/dht/record/new', '/peers/tab'])
    await store.delete(new Key('/peers/tab'))
    expect(await keys('/peers/')).toEqual([])
  })
})

describe('forgetting peers that left', () => {
  const nodes: Libp2p[] = []
  afterEach(async () => { await Promise.all(nodes.splice(0).map(async (n) => n.stop())) })

  async function relay (): Promise<Libp2p<{ dht: KadDHT }>> {
    const node = await createLibp2p({
      datastore: await PeersInMemory.over(new MemoryDatastore()),
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0/ws'] },
      transports: [webSockets()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { identify: identify(), ping: ping(), dht: kadDHT(murmurDhtInit({ clientMode: false })) }
    })
    nodes.push(node)
    return node
  }

  async function tab (): Promise<Libp2p> {
    const node = await createLibp2p({
      transports: [webSockets()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { identify: identify() }
    })
    nodes.push(node)
    return node
  }

  it('forgets a tab that disconnected, keeps one still connected and a tagged peer', async () => {
    const server = await relay()
    const [gone, staying, tagged] = await Promise.all([tab(), tab(), tab()])
    for (const peer of [gone, staying, tagged]) await peer.dial(server.getMultiaddrs()[0]!)
    await expect.poll(async () => (await server.peerStore.all()).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(3)
    await server.peerStore.merge(tagged.peerId, { tags: { 'keep-alive-murmur-relay': { value: 100 } } })
    await server.hangUp(gone.peerId)
    await server.hangUp(tagged.peerId)

    expect(await forgetGonePeers(server)).toBe(1)
    expect(await server.peerStore.has(gone.peerId)).toBe(false)
    expect(await server.peerStore.has(staying.peerId)).toBe(true)
    expect(await server.peerStore.has(tagged.peerId)).toBe(true)
    expect(await forgetGonePeers(server)).toBe(0)
  })
})
