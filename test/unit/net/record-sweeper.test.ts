import { describe, expect, it } from 'vitest'
import { MemoryDatastore } from 'datastore-core'
import { Key } from 'interface-datastore'
import { Record as DhtRecord } from '@libp2p/kad-dht'
import { createIdentity } from '../../../src/core/identity.ts'
import { encodePresence, presenceKey } from '../../../src/core/presence.ts'
import { dhtValidators } from '../../../src/net/dht-config.ts'
import { DHT_RECORD_PREFIX, sweepRecords } from '../../../src/net/record-sweeper.ts'

const HOUR = 60 * 60 * 1000

/** Stores a presence record the way kad-dht's PUT handler does. */
async function storePresence (datastore: MemoryDatastore, name: string, expiresAt: number, received = new Date()): Promise<void> {
  const identity = createIdentity()
  const key = presenceKey(identity.publicKey)
  const value = encodePresence(identity, { seq: 1, expiresAt, peers: [{ peerId: name, addrs: [] }] })
  await datastore.put(new Key(`${DHT_RECORD_PREFIX}/${name}`), new DhtRecord(key, value, received).serialize())
}

async function storedNames (datastore: MemoryDatastore): Promise<string[]> {
  const names: string[] = []
  for await (const key of datastore.queryKeys({ prefix: DHT_RECORD_PREFIX })) names.push(key.baseNamespace())
  return names.sort()
}

describe('DHT record sweeper', () => {
  it('deletes expired and unreadable records and keeps live ones and other namespaces', async () => {
    const datastore = new MemoryDatastore()
    const now = Date.now()
    await storePresence(datastore, 'live', now + HOUR)
    await storePresence(datastore, 'expired', now - 1)
    await datastore.put(new Key(`${DHT_RECORD_PREFIX}/garbage`), new Uint8Array([1, 2, 3]))
    await datastore.put(new Key(`${DHT_RECORD_PREFIX}/other`),
      new DhtRecord(new TextEncoder().encode('/other-namespace/x'), new Uint8Array([1]), new Date()).serialize())
    await datastore.put(new Key('/peers/unrelated'), new Uint8Array([1]))

    expect(await sweepRecords(datastore, dhtValidators)).toEqual({ kept: 2, removed: 2 })
    expect(await storedNames(datastore)).toEqual(['live', 'other'])
    expect(await datastore.has(new Key('/peers/unrelated'))).toBe(true)
  })

  it('deletes valid records that kad-dht no longer serves (received more than 48 hours ago)', async () => {
    const datastore = new MemoryDatastore()
    const now = Date.now()
    await storePresence(datastore, 'fresh', now + HOUR, new Date(now - 47 * HOUR))
    await storePresence(datastore, 'stale', now + HOUR, new Date(now - 49 * HOUR))
    expect(await sweepRecords(datastore, dhtValidators)).toEqual({ kept: 1, removed: 1 })
    expect(await storedNames(datastore)).toEqual(['fresh'])
  })
})
