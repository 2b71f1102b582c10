import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { utf8 } from '../../../../src/core/codec.ts'
import {
  admit,
  emptyQuota,
  release,
  HolderLedger,
  HolderQuotaError,
  STORED_BEFORE_START,
  type HolderLimits,
  type HolderQuota
} from '../../../../src/core/mailbox/index.ts'

const slot = (n: number): Uint8Array => utf8(`/murmur-mailbox/slot${n}`)
const limits: HolderLimits = { perWriterCount: 3, perWriterBytes: 1000, totalCount: 5, totalBytes: 2000 }

type Step =
  | { kind: 'admit', writer: string, slot: number, bytes: number }
  | { kind: 'release', slot: number }

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('admit' as const), writer: fc.constantFrom('a', 'b', 'c'), slot: fc.integer({ min: 0, max: 7 }), bytes: fc.integer({ min: 0, max: 700 }) }),
  fc.record({ kind: fc.constant('release' as const), slot: fc.integer({ min: 0, max: 7 }) })
)

describe('holder ledger (the mutable twin of the holder quota)', () => {
  it('decides every step exactly as the immutable quota does', () => {
    fc.assert(fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
      let quota: HolderQuota = emptyQuota()
      const ledger = new HolderLedger(limits)
      for (const s of steps) {
        if (s.kind === 'admit') {
          const request = { writer: s.writer, slotKey: slot(s.slot), bytes: s.bytes }
          const expected = admit(quota, request, limits)
          const got = ledger.admit(request)
          expect(got.ok).toBe(expected.ok)
          if (!expected.ok && !got.ok) expect(got.reason).toBe(expected.reason)
          quota = expected.quota
        } else {
          const wasHeld = ledger.held(slot(s.slot)) !== undefined
          expect(ledger.release(slot(s.slot))).toBe(wasHeld)
          quota = release(quota, slot(s.slot))
        }
        expect(ledger.totalCount).toBe(quota.totalCount)
        expect(ledger.totalBytes).toBe(quota.totalBytes)
        for (const writer of ['a', 'b', 'c']) {
          expect(ledger.account(writer)).toEqual(quota.writers.get(writer) ?? { count: 0, bytes: 0 })
        }
      }
    }))
  })

  it('reports what a replacement replaced, so a failed write can be undone', () => {
    const ledger = new HolderLedger(limits)
    expect(ledger.admit({ writer: 'a', slotKey: slot(1), bytes: 10 })).toEqual({ ok: true, replaced: undefined })
    expect(ledger.admit({ writer: 'b', slotKey: slot(1), bytes: 20 })).toEqual({ ok: true, replaced: { writer: 'a', bytes: 10 } })
    expect(ledger.held(slot(1))).toEqual({ writer: 'b', bytes: 20 })
  })

  it('charges records found at start to one account that no per-writer limit applies to', () => {
    const ledger = new HolderLedger(limits)
    for (let n = 0; n < 4; n++) ledger.charge(slot(n), 100)
    expect(ledger.account(STORED_BEFORE_START)).toEqual({ count: 4, bytes: 400 })
    expect(ledger.totalCount).toBe(4)
    // They count towards the totals: one more fits, then the holder is full.
    expect(ledger.admit({ writer: 'a', slotKey: slot(10), bytes: 1 }).ok).toBe(true)
    expect(ledger.admit({ writer: 'b', slotKey: slot(11), bytes: 1 })).toEqual({ ok: false, reason: 'total-count' })
    // A new version of a slot found at start moves to its writer's account.
    expect(ledger.admit({ writer: 'b', slotKey: slot(0), bytes: 50 }).ok).toBe(true)
    expect(ledger.account(STORED_BEFORE_START)).toEqual({ count: 3, bytes: 300 })
    expect(ledger.account('b')).toEqual({ count: 1, bytes: 50 })
  })

  it('admitOrThrow names the limit in a HolderQuotaError and changes nothing', () => {
    const ledger = new HolderLedger(limits)
    for (let n = 0; n < 3; n++) ledger.admitOrThrow({ writer: 'a', slotKey: slot(n), bytes: 1 })
    let error: unknown
    try { ledger.admitOrThrow({ writer: 'a', slotKey: slot(3), bytes: 1 }) } catch (err) { error = err }
    expect(error).toBeInstanceOf(HolderQuotaError)
    expect(error).toMatchObject({ name: 'HolderQuotaError', reason: 'per-writer-count' })
    expect((error as Error).message).toMatch(/already keeps 3 mailbox records for this writer/)
    expect(ledger.account('a')).toEqual({ count: 3, bytes: 3 })
    expect(ledger.held(slot(3))).toBeUndefined()
  })

  it('refuses bad input and bad limits with a clear error, changing nothing', () => {
    expect(() => new HolderLedger({ ...limits, totalCount: -1 })).toThrow(/limits.totalCount/)
    const ledger = new HolderLedger(limits)
    expect(() => ledger.admit({ writer: '', slotKey: slot(1), bytes: 1 })).toThrow(/writer/)
    expect(() => ledger.admit({ writer: 'a', slotKey: slot(1), bytes: 1.5 })).toThrow(/bytes/)
    expect(() => ledger.charge(slot(1), -1)).toThrow(/bytes/)
    expect(ledger.totalCount).toBe(0)
  })
})
