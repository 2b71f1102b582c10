import { describe, expect, it } from 'vitest'
import { MemoryDatastore } from 'datastore-core'
import { Key } from 'interface-datastore'
import { peerIdFromString } from '@libp2p/peer-id'
import { toString } from 'uint8arrays'
import { HolderQuotaError, SELF, STORED_BEFORE_START } from '../../../src/core/holder/store-ledger.ts'
import type { StoreLimits } from '../../../src/core/holder/store-limits.ts'
import { HolderDatastore, mailboxSlotOfDatastoreKey, PEER_STORE_SOURCE } from '../../../src/net/holder-datastore.ts'
import { classifyKey } from '../../../src/net/holder-keys.ts'
import { DHT_RECORD_PREFIX, sweepRecords } from '../../../src/net/record-sweeper.ts'
import { dhtValidators } from '../../../src/net/dht-config.ts'
import { from, HOUR, mailbox, presence, stored } from '../../security/support/records.ts'

const ALICE = peerIdFromString('12D3KooWGC6TvWhfapngX6wvJHMYvKpDMXPb3ZnCZ6dMoaMtimQ5')
const BOB = peerIdFromString('12D3KooWRBy97UB99e3J6hiPesre1MZeuNQvfan4gBziswrRJsNK')
const MIB = 1024 * 1024
const limits: StoreLimits = {
  directory: { count: 100, bytes: MIB, perSourceCount: 50, perSourceBytes: MIB },
  mailbox: { count: 3, bytes: MIB, perSourceCount: 2, perSourceBytes: MIB },
  peers: { count: 2, bytes: MIB, perSourceCount: 2, perSourceBytes: MIB }
}
const bySource = { limits, sourceOf: (peer: typeof ALICE) => `peer:${peer.toString()}` }
const account = (peer: typeof ALICE): string => `peer:${peer.toString()}`

/** The datastore key kad-dht stores a record under (bufferToRecordKey in its utils.js). */
const datastoreKey = (recordKey: Uint8Array): Key => new Key(`${DHT_RECORD_PREFIX}/${toString(recordKey, 'base32')}`, false)

async function refusal (promise: Promise<unknown>): Promise<HolderQuotaError> {
  try {
    await promise
  } catch (err) {
    if (err instanceof HolderQuotaError) return err
    throw err
  }
  throw new Error('the put was not refused')
}

describe('holder datastore', () => {
  it('tells what each key holds: mailbox, directory, peers, providers, anything else', () => {
    const m = stored(mailbox(0))
    expect(mailboxSlotOfDatastoreKey(m.key)).toEqual(mailbox(0).key)
    expect(classifyKey(stored(presence()).key)).toMatchObject({ kind: 'record', pool: 'directory', namespace: 'murmur-presence' })
    expect(mailboxSlotOfDatastoreKey(datastoreKey(new TextEncoder().encode('/murmur-mailbox/')))).toBeUndefined()
    expect(classifyKey(new Key('/peers/abc'))).toMatchObject({ kind: 'peer', pool: 'peers' })
    expect(classifyKey(new Key('/dht/provider/abc/def'))).toEqual({ kind: 'provider' })
    expect(classifyKey(new Key('/murmur-push/subscription/x'))).toEqual({ kind: 'other' })
  })

  it('charges remote puts to their source and refuses the one past its share, storing nothing', async () => {
    const inner = new MemoryDatastore()
    const refusals: unknown[] = []
    const holder = await HolderDatastore.open(inner, { ...bySource, onRefused: (r) => refusals.push(r) })
    const [a, b, c] = [0, 1, 2].map((n) => stored(mailbox(n)))
    await holder.put(a!.key, a!.value, from(ALICE))
    await holder.put(b!.key, b!.value, from(ALICE))
    expect(holder.heldFor(account(ALICE))).toEqual({ count: 2, bytes: a!.value.length + b!.value.length })

    expect((await refusal(holder.put(c!.key, c!.value, from(ALICE)))).reason).toBe('per-source-count')
    expect(await inner.has(c!.key)).toBe(false)
    expect(refusals).toEqual([{ source: account(ALICE), pool: 'mailbox', reason: 'per-source-count' }])
    expect(holder.usage().refused['per-source-count']).toBe(1)

    // Someone else still gets in; when the pool is full, the largest source's oldest record makes room.
    await holder.put(c!.key, c!.value, from(BOB))
    const d = stored(mailbox(3))
    await holder.put(d.key, d.value, from(BOB))
    expect(await inner.has(a!.key)).toBe(false)
    expect(await inner.has(d.key)).toBe(true)
    expect(holder.usage()).toMatchObject({ pools: { mailbox: { count: 3 } }, evicted: 1 })
  })

  it('counts a new version of a record once, even when its source is at the limit', async () => {
    const holder = await HolderDatastore.open(new MemoryDatastore(), bySource)
    const [a, b] = [stored(mailbox(0)), stored(mailbox(1))]
    await holder.put(a.key, a.value, from(ALICE))
    await holder.put(b.key, b.value, from(ALICE))
    const newer = stored(mailbox(0, 2, 500))
    await holder.put(newer.key, newer.value, from(ALICE))
    expect(holder.heldFor(account(ALICE))).toEqual({ count: 2, bytes: newer.value.length + b.value.length })
    expect(await holder.get(a.key)).toEqual(newer.value)
  })

  it('releases a record\'s charge when it is deleted (kad-dht\'s 48 h rule, the sweep)', async () => {
    const holder = await HolderDatastore.open(new MemoryDatastore(), bySource)
    const [a, b, c] = [0, 1, 2].map((n) => stored(mailbox(n)))
    await holder.put(a!.key, a!.value, from(ALICE))
    await holder.put(b!.key, b!.value, from(ALICE))
    await holder.delete(a!.key)
    expect(holder.heldFor(account(ALICE))).toEqual({ count: 1, bytes: b!.value.length })
    await holder.put(c!.key, c!.value, from(ALICE))
    expect(holder.usage().pools.mailbox.count).toBe(2)
    await holder.delete(a!.key)
    await holder.delete(new Key('/somewhere/else'))
    expect(holder.usage().pools.mailbox.count).toBe(2)
  })

  it('counts our own puts but never refuses or evicts them', async () => {
    const holder = await HolderDatastore.open(new MemoryDatastore(), bySource)
    const entries = [0, 1, 2, 3, 4].map((n) => stored(mailbox(n)))
    for (const e of entries) await holder.put(e.key, e.value)
    expect(holder.heldFor(SELF)).toMatchObject({ count: 5 })
    const theirs = stored(mailbox(5))
    expect((await refusal(holder.put(theirs.key, theirs.value, from(ALICE)))).reason).toBe('pool-full')
  })

  it('refuses provider records and caps the peer store, oldest entry out first', async () => {
    const inner = new MemoryDatastore()
    const holder = await HolderDatastore.open(inner, bySource)
    await expect(holder.put(new Key('/dht/provider/abc/def'), new Uint8Array(8), from(ALICE))).rejects.toMatchObject({ name: 'ProviderRecordRefusedError' })
    for (let i = 0; i < 5; i++) await holder.put(new Key(`/peers/${i}`), new Uint8Array([i]))
    const keys: string[] = []
    for await (const key of holder.queryKeys({ prefix: '/peers' })) keys.push(key.toString())
    expect(keys.sort()).toEqual(['/peers/3', '/peers/4'])
    expect(holder.heldFor(PEER_STORE_SOURCE, 'peers').count).toBe(2)
    // Anything else passes through, uncounted.
    await holder.put(new Key('/other/x'), new Uint8Array(3))
    expect(await inner.has(new Key('/other/x'))).toBe(true)
  })

  it('accounts puts and deletes made in a batch', async () => {
    const holder = await HolderDatastore.open(new MemoryDatastore(), bySource)
    const [a, b] = [stored(mailbox(0)), stored(mailbox(1))]
    await holder.put(a.key, a.value, from(ALICE))
    const batch = holder.batch()
    batch.delete(a.key)
    batch.put(b.key, b.value)
    await batch.commit()
    expect(holder.heldFor(account(ALICE)).count).toBe(0)
    expect(holder.heldFor(SELF).count).toBe(1)
  })

  it('puts the charge back as it was when the write itself fails', async () => {
    const inner = new MemoryDatastore()
    const holder = await HolderDatastore.open(inner, bySource)
    const a = stored(mailbox(0))
    await holder.put(a.key, a.value, from(ALICE))
    inner.put = async () => { throw new Error('disk full') }
    const newer = stored(mailbox(0, 2, 300))
    await expect(holder.put(newer.key, newer.value, from(BOB))).rejects.toThrow('disk full')
    expect(holder.heldFor(account(ALICE))).toEqual({ count: 1, bytes: a.value.length })
    expect(holder.heldFor(account(BOB))).toEqual({ count: 0, bytes: 0 })
  })

  it('rebuilds the totals from storage at start, charged to records stored before start', async () => {
    const inner = new MemoryDatastore()
    const first = await HolderDatastore.open(inner, bySource)
    const [a, b, c] = [0, 1, 2].map((n) => stored(mailbox(n)))
    await first.put(a!.key, a!.value, from(ALICE))
    await first.put(b!.key, b!.value, from(BOB))
    await first.put(c!.key, c!.value, from(BOB))
    const p = stored(presence())
    await first.put(p.key, p.value, from(BOB))

    const restarted = await HolderDatastore.open(inner, bySource)
    expect(restarted.usage().pools).toMatchObject({ mailbox: { count: 3 }, directory: { count: 1 } })
    expect(restarted.heldFor(STORED_BEFORE_START).count).toBe(3)
    // The pool is full: the old records, one account, make room for new ones first.
    const d = stored(mailbox(3))
    await restarted.put(d.key, d.value, from(ALICE))
    expect(restarted.heldFor(STORED_BEFORE_START).count).toBe(2)
    expect(restarted.heldFor(account(ALICE)).count).toBe(1)
  })

  it('gets its quota back from the sweep: expired records and ones kad-dht no longer serves', async () => {
    const holder = await HolderDatastore.open(new MemoryDatastore(), bySource)
    const live = stored(mailbox(0))
    const old = stored(mailbox(2), new Date(Date.now() - 49 * HOUR))
    await holder.put(live.key, live.value, from(ALICE))
    await holder.put(old.key, old.value, from(BOB))
    expect(holder.usage().pools.mailbox.count).toBe(2)
    expect(await sweepRecords(holder, dhtValidators)).toEqual({ kept: 1, removed: 1 })
    expect(holder.usage().pools.mailbox).toEqual({ count: 1, bytes: live.value.length })
    expect(holder.heldFor(account(BOB))).toEqual({ count: 0, bytes: 0 })
  })
})
