import { describe, expect, it } from 'vitest'
import { MemoryDatastore } from 'datastore-core'
import { Key } from 'interface-datastore'
import { Record as DhtRecord } from '@libp2p/kad-dht'
import { peerIdFromString } from '@libp2p/peer-id'
import { toString } from 'uint8arrays'
import { mailboxSlot, slotEpoch } from '../../../src/core/mailbox/slots.ts'
import { encodeMailboxRecord } from '../../../src/core/mailbox/record.ts'
import { HolderQuotaError, STORED_BEFORE_START } from '../../../src/core/mailbox/holder-ledger.ts'
import type { HolderLimits } from '../../../src/core/mailbox/holder-quota.ts'
import { HolderDatastore, mailboxSlotOfDatastoreKey } from '../../../src/net/holder-datastore.ts'
import { PUT_FROM_OPTION } from '../../../src/net/put-from.ts'
import { DHT_RECORD_PREFIX, sweepRecords } from '../../../src/net/record-sweeper.ts'
import { dhtValidators } from '../../../src/net/dht-config.ts'

const HOUR = 60 * 60 * 1000
const ALICE = peerIdFromString('12D3KooWGC6TvWhfapngX6wvJHMYvKpDMXPb3ZnCZ6dMoaMtimQ5')
const BOB = peerIdFromString('12D3KooWRBy97UB99e3J6hiPesre1MZeuNQvfan4gBziswrRJsNK')
const limits: HolderLimits = { perWriterCount: 2, perWriterBytes: 1024 * 1024, totalCount: 3, totalBytes: 1024 * 1024 }

/** The datastore key kad-dht stores a record under (bufferToRecordKey in its utils.js). */
const datastoreKey = (recordKey: Uint8Array): Key => new Key(`${DHT_RECORD_PREFIX}/${toString(recordKey, 'base32')}`, false)

interface Stored { key: Key, slotKey: Uint8Array, value: Uint8Array }

/** A real mailbox record in slot `n`, serialized the way kad-dht stores it. */
function mailboxEntry (n: number, opts: { payloadBytes?: number, seq?: number, expiresAt?: number, received?: Date } = {}): Stored {
  const slot = mailboxSlot(new Uint8Array(32).fill(1), new Uint8Array(32).fill(2), slotEpoch(), n)
  const now = Date.now()
  const expiresAt = opts.expiresAt ?? now + 24 * HOUR
  const record = encodeMailboxRecord(slot.writeKey, {
    seq: opts.seq ?? 1,
    createdAt: Math.min(now, expiresAt - 1),
    expiresAt,
    entries: [{ id: new Uint8Array(16).fill(n + 1), payload: new Uint8Array(opts.payloadBytes ?? 10).fill(7) }]
  })
  const value = new DhtRecord(slot.key, record, opts.received ?? new Date()).serialize()
  return { key: datastoreKey(slot.key), slotKey: slot.key, value }
}

const from = (peer: typeof ALICE): Record<string, unknown> => ({ [PUT_FROM_OPTION]: peer })

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
  it('recognises the keys kad-dht stores mailbox records under, and nothing else', () => {
    const entry = mailboxEntry(0)
    expect(mailboxSlotOfDatastoreKey(entry.key)).toEqual(entry.slotKey)
    expect(mailboxSlotOfDatastoreKey(datastoreKey(new TextEncoder().encode('/murmur-presence/abc')))).toBeUndefined()
    expect(mailboxSlotOfDatastoreKey(datastoreKey(new TextEncoder().encode('/murmur-mailbox/')))).toBeUndefined()
    expect(mailboxSlotOfDatastoreKey(new Key('/peers/abc'))).toBeUndefined()
  })

  it('charges remote puts to their writer and refuses the one past the per-writer limit, storing nothing', async () => {
    const inner = new MemoryDatastore()
    const refusals: unknown[] = []
    const holder = await HolderDatastore.open(inner, { limits, onRefused: (r) => refusals.push(r) })
    const [a, b, c] = [mailboxEntry(0), mailboxEntry(1), mailboxEntry(2)]
    await holder.put(a.key, a.value, from(ALICE))
    await holder.put(b.key, b.value, from(ALICE))
    expect(holder.heldFor(ALICE.toString())).toEqual({ count: 2, bytes: a.value.length + b.value.length })

    const error = await refusal(holder.put(c.key, c.value, from(ALICE)))
    expect(error.reason).toBe('per-writer-count')
    expect(await inner.has(c.key)).toBe(false)
    expect(refusals).toEqual([{ writer: ALICE.toString(), reason: 'per-writer-count' }])
    expect(holder.usage()).toEqual({ records: 2, bytes: a.value.length + b.value.length, refused: 1 })

    // Someone else still gets in, until the holder is full.
    await holder.put(c.key, c.value, from(BOB))
    const d = mailboxEntry(3)
    expect((await refusal(holder.put(d.key, d.value, from(BOB)))).reason).toBe('total-count')
    expect(holder.heldBytes()).toBe(a.value.length + b.value.length + c.value.length)
  })

  it('counts a new version of a slot once, even when its writer is at the limit', async () => {
    const holder = await HolderDatastore.open(new MemoryDatastore(), { limits })
    const [a, b] = [mailboxEntry(0), mailboxEntry(1)]
    await holder.put(a.key, a.value, from(ALICE))
    await holder.put(b.key, b.value, from(ALICE))
    const newer = mailboxEntry(0, { seq: 2, payloadBytes: 500 })
    await holder.put(newer.key, newer.value, from(ALICE))
    expect(holder.heldFor(ALICE.toString())).toEqual({ count: 2, bytes: newer.value.length + b.value.length })
    expect(await holder.get(a.key)).toEqual(newer.value)
  })

  it('releases a record\'s charge when it is deleted (kad-dht\'s 48 h rule, the sweep)', async () => {
    const holder = await HolderDatastore.open(new MemoryDatastore(), { limits })
    const [a, b, c] = [mailboxEntry(0), mailboxEntry(1), mailboxEntry(2)]
    await holder.put(a.key, a.value, from(ALICE))
    await holder.put(b.key, b.value, from(ALICE))
    await holder.delete(a.key)
    expect(holder.heldFor(ALICE.toString())).toEqual({ count: 1, bytes: b.value.length })
    await holder.put(c.key, c.value, from(ALICE))
    expect(holder.usage().records).toBe(2)
    // Deleting what is not there, or not a mailbox record, changes nothing.
    await holder.delete(a.key)
    await holder.delete(new Key('/peers/abc'))
    expect(holder.usage().records).toBe(2)
  })

  it('never charges our own puts, and our own record in a slot frees the charge of the one it replaced', async () => {
    const holder = await HolderDatastore.open(new MemoryDatastore(), { limits })
    const entries = [0, 1, 2, 3, 4].map((n) => mailboxEntry(n))
    for (const e of entries) await holder.put(e.key, e.value)
    expect(holder.usage()).toEqual({ records: 0, bytes: 0, refused: 0 })

    const theirs = mailboxEntry(5)
    await holder.put(theirs.key, theirs.value, from(ALICE))
    expect(holder.usage().records).toBe(1)
    const ours = mailboxEntry(5, { seq: 2 })
    await holder.put(ours.key, ours.value, {})
    expect(holder.usage().records).toBe(0)
    expect(holder.heldFor(ALICE.toString())).toEqual({ count: 0, bytes: 0 })
  })

  it('passes every other key straight through, uncharged', async () => {
    const inner = new MemoryDatastore()
    const holder = await HolderDatastore.open(inner, { limits })
    const presence = datastoreKey(new TextEncoder().encode('/murmur-presence/someone'))
    for (let i = 0; i < 5; i++) await holder.put(new Key(`/peers/${i}`), new Uint8Array([i]), from(ALICE))
    await holder.put(presence, new Uint8Array([9]), from(ALICE))
    expect(holder.usage().records).toBe(0)
    expect(await inner.get(presence)).toEqual(new Uint8Array([9]))
    const keys: string[] = []
    for await (const key of holder.queryKeys({ prefix: '/peers' })) keys.push(key.toString())
    expect(keys.sort()).toEqual(['/peers/0', '/peers/1', '/peers/2', '/peers/3', '/peers/4'])
    expect(await holder.has(new Key('/peers/3'))).toBe(true)
  })

  it('accounts puts and deletes made in a batch', async () => {
    const holder = await HolderDatastore.open(new MemoryDatastore(), { limits })
    const [a, b] = [mailboxEntry(0), mailboxEntry(1)]
    await holder.put(a.key, a.value, from(ALICE))
    const batch = holder.batch()
    batch.delete(a.key)
    batch.put(b.key, b.value)
    await batch.commit()
    expect(holder.usage().records).toBe(0)
    expect(await holder.has(b.key)).toBe(true)
  })

  it('puts the charge back as it was when the write itself fails', async () => {
    const inner = new MemoryDatastore()
    const holder = await HolderDatastore.open(inner, { limits })
    const a = mailboxEntry(0)
    await holder.put(a.key, a.value, from(ALICE))
    inner.put = async () => { throw new Error('disk full') }
    const newer = mailboxEntry(0, { seq: 2, payloadBytes: 300 })
    await expect(holder.put(newer.key, newer.value, from(BOB))).rejects.toThrow('disk full')
    expect(holder.heldFor(ALICE.toString())).toEqual({ count: 1, bytes: a.value.length })
    expect(holder.heldFor(BOB.toString())).toEqual({ count: 0, bytes: 0 })
  })

  it('rebuilds the totals from storage at start, charged to records stored before start', async () => {
    const inner = new MemoryDatastore()
    const first = await HolderDatastore.open(inner, { limits })
    const [a, b, c] = [mailboxEntry(0), mailboxEntry(1), mailboxEntry(2)]
    await first.put(a.key, a.value, from(ALICE))
    await first.put(b.key, b.value, from(BOB))
    await first.put(c.key, c.value, from(BOB))
    await inner.put(new Key('/peers/x'), new Uint8Array(1000))

    const restarted = await HolderDatastore.open(inner, { limits })
    expect(restarted.usage()).toEqual({ records: 3, bytes: a.value.length + b.value.length + c.value.length, refused: 0 })
    expect(restarted.heldFor(STORED_BEFORE_START)).toEqual({ count: 3, bytes: restarted.heldBytes() })
    const d = mailboxEntry(3)
    expect((await refusal(restarted.put(d.key, d.value, from(ALICE)))).reason).toBe('total-count')
    // A new version of a stored slot is admitted and moves to its writer's account.
    const newer = mailboxEntry(0, { seq: 2 })
    await restarted.put(newer.key, newer.value, from(ALICE))
    expect(restarted.heldFor(ALICE.toString()).count).toBe(1)
    expect(restarted.heldFor(STORED_BEFORE_START).count).toBe(2)
  })

  it('gets its quota back from the sweep: expired records and ones kad-dht no longer serves', async () => {
    const holder = await HolderDatastore.open(new MemoryDatastore(), { limits })
    const live = mailboxEntry(0)
    const expired = mailboxEntry(1, { expiresAt: Date.now() - 1 })
    const stale = mailboxEntry(2, { received: new Date(Date.now() - 49 * HOUR) })
    for (const e of [live, expired, stale]) await holder.put(e.key, e.value, from(e === live ? ALICE : BOB))
    expect(holder.usage().records).toBe(3)
    expect(await sweepRecords(holder, dhtValidators)).toEqual({ kept: 1, removed: 2 })
    expect(holder.usage()).toMatchObject({ records: 1, bytes: live.value.length })
    expect(holder.heldFor(BOB.toString())).toEqual({ count: 0, bytes: 0 })
  })
})
