import { describe, expect, it } from 'vitest'
import { utf8 } from '../../../../src/core/codec.ts'
import {
  admit,
  emptyQuota,
  release,
  TAB_HOLDER_LIMITS,
  type HolderLimits,
  type HolderQuota
} from '../../../../src/core/mailbox/index.ts'

const slot = (n: number): Uint8Array => utf8(`/murmur-mailbox/slot${n}`)
const limits: HolderLimits = { perWriterCount: 3, perWriterBytes: 1000, totalCount: 5, totalBytes: 2000 }

/** Admits each request in turn; fails the test on the first refusal. */
function fill (requests: Array<[writer: string, slotNumber: number, bytes: number]>, quota = emptyQuota()): HolderQuota {
  for (const [writer, n, bytes] of requests) {
    const result = admit(quota, { writer, slotKey: slot(n), bytes }, limits)
    if (!result.ok) throw new Error(`refused ${writer}/${n}: ${result.reason}`)
    quota = result.quota
  }
  return quota
}

describe('holder quota', () => {
  it('states the tab defaults', () => {
    expect(TAB_HOLDER_LIMITS).toEqual({ perWriterCount: 64, perWriterBytes: 1024 * 1024, totalCount: 10_000, totalBytes: 64 * 1024 * 1024 })
  })

  it('counts records and bytes per writer and in total', () => {
    const q = fill([['a', 1, 100], ['a', 2, 200], ['b', 3, 50]])
    expect(q.totalCount).toBe(3)
    expect(q.totalBytes).toBe(350)
    expect(q.writers.get('a')).toEqual({ count: 2, bytes: 300 })
    expect(q.writers.get('b')).toEqual({ count: 1, bytes: 50 })
  })

  it('per-writer count: the limit-th record is admitted, the next refused, others still admitted', () => {
    const q = fill([['a', 1, 1], ['a', 2, 1], ['a', 3, 1]])
    const refused = admit(q, { writer: 'a', slotKey: slot(4), bytes: 1 }, limits)
    expect(refused).toEqual({ quota: q, ok: false, reason: 'per-writer-count' })
    expect(admit(q, { writer: 'b', slotKey: slot(4), bytes: 1 }, limits).ok).toBe(true)
  })

  it('per-writer bytes: exactly at the limit is admitted, one byte over refused', () => {
    const q = fill([['a', 1, 600]])
    expect(admit(q, { writer: 'a', slotKey: slot(2), bytes: 400 }, limits).ok).toBe(true)
    expect(admit(q, { writer: 'a', slotKey: slot(2), bytes: 401 }, limits)).toMatchObject({ ok: false, reason: 'per-writer-bytes', quota: q })
  })

  it('total count: the limit-th record is admitted, the next refused whoever writes it', () => {
    const q = fill([['a', 1, 1], ['b', 2, 1], ['c', 3, 1], ['d', 4, 1], ['e', 5, 1]])
    expect(q.totalCount).toBe(5)
    expect(admit(q, { writer: 'f', slotKey: slot(6), bytes: 1 }, limits)).toMatchObject({ ok: false, reason: 'total-count' })
  })

  it('total bytes: exactly at the limit is admitted, one byte over refused', () => {
    const q = fill([['a', 1, 900], ['b', 2, 900]])
    expect(admit(q, { writer: 'c', slotKey: slot(3), bytes: 200 }, limits).ok).toBe(true)
    expect(admit(q, { writer: 'c', slotKey: slot(3), bytes: 201 }, limits)).toMatchObject({ ok: false, reason: 'total-bytes' })
  })

  it('a replacement frees the old size first and keeps the count', () => {
    const q = fill([['a', 1, 900], ['a', 2, 100]])
    // a holds 1000 bytes, its limit: a new 900-byte version of slot 1 fits only once the old 900 are freed.
    const replaced = admit(q, { writer: 'a', slotKey: slot(1), bytes: 900 }, limits)
    expect(replaced.ok).toBe(true)
    expect(replaced.quota.writers.get('a')).toEqual({ count: 2, bytes: 1000 })
    expect(replaced.quota.totalCount).toBe(2)
    // At the count limit, a replacement still goes in: it adds no record.
    const full = fill([['a', 3, 0]], q)
    expect(admit(full, { writer: 'a', slotKey: slot(3), bytes: 0 }, limits).ok).toBe(true)
    expect(admit(full, { writer: 'a', slotKey: slot(4), bytes: 0 }, limits).ok).toBe(false)
  })

  it('a replacement PUT by another peer moves the charge to it', () => {
    const q = fill([['a', 1, 500]])
    const moved = admit(q, { writer: 'b', slotKey: slot(1), bytes: 300 }, limits)
    expect(moved.ok).toBe(true)
    expect(moved.quota.writers.has('a')).toBe(false)
    expect(moved.quota.writers.get('b')).toEqual({ count: 1, bytes: 300 })
    expect(moved.quota.totalBytes).toBe(300)
  })

  it('a refused replacement leaves the old version counted', () => {
    const q = fill([['a', 1, 500]])
    const refused = admit(q, { writer: 'a', slotKey: slot(1), bytes: 1001 }, limits)
    expect(refused).toMatchObject({ ok: false, reason: 'per-writer-bytes' })
    expect(refused.quota.writers.get('a')).toEqual({ count: 1, bytes: 500 })
  })

  it('release frees a slot, and ignores a slot it does not hold', () => {
    const q = fill([['a', 1, 100], ['a', 2, 200], ['b', 3, 50]])
    const after = release(q, slot(2))
    expect(after.writers.get('a')).toEqual({ count: 1, bytes: 100 })
    expect(after.totalCount).toBe(2)
    expect(after.totalBytes).toBe(150)
    const none = release(release(after, slot(1)), slot(3))
    expect(none).toEqual(emptyQuota())
    expect(release(q, slot(9))).toBe(q)
    // Freed space is usable again.
    const full = fill([['a', 3, 1000]])
    expect(admit(full, { writer: 'a', slotKey: slot(4), bytes: 1 }, limits).ok).toBe(false)
    expect(admit(release(full, slot(3)), { writer: 'a', slotKey: slot(4), bytes: 1000 }, limits).ok).toBe(true)
  })

  it('never changes the quota it was given', () => {
    const q = fill([['a', 1, 100]])
    const snapshot = { slots: new Map(q.slots), writers: new Map(q.writers), totalCount: q.totalCount, totalBytes: q.totalBytes }
    admit(q, { writer: 'a', slotKey: slot(2), bytes: 10 }, limits)
    admit(q, { writer: 'a', slotKey: slot(1), bytes: 10 }, limits)
    release(q, slot(1))
    expect(q).toEqual(snapshot)
  })

  it('refuses nonsense from its own shell', () => {
    expect(() => admit(emptyQuota(), { writer: '', slotKey: slot(1), bytes: 1 })).toThrow(TypeError)
    expect(() => admit(emptyQuota(), { writer: 'a', slotKey: slot(1), bytes: -1 })).toThrow(RangeError)
    expect(() => admit(emptyQuota(), { writer: 'a', slotKey: slot(1), bytes: 1 }, { ...limits, totalBytes: NaN })).toThrow(RangeError)
  })
})
