import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { HolderQuotaError, SELF, StoreLedger, type AdmitRequest } from '../../../../src/core/holder/store-ledger.ts'
import { POOLS, scaleToQuota, storeTotals, TAB_STORE_LIMITS, type StoreLimits } from '../../../../src/core/holder/store-limits.ts'

const pool = (count: number, bytes: number, perSourceCount: number, perSourceBytes: number) => ({ count, bytes, perSourceCount, perSourceBytes })
const LIMITS: StoreLimits = {
  directory: pool(4, 1000, 2, 500),
  mailbox: pool(3, 1000, 2, 600),
  peers: pool(2, 100, 2, 100)
}

let n = 0
const req = (source: string, bytes = 10, extra: Partial<AdmitRequest> = {}): AdmitRequest =>
  ({ id: `/r/${n++}`, pool: 'mailbox', kind: 'murmur-mailbox', source, bytes, ...extra })

describe('store ledger', () => {
  it('refuses a source past its count or bytes, and changes nothing when it does', () => {
    const ledger = new StoreLedger(LIMITS)
    expect(ledger.admit(req('a')).ok).toBe(true)
    expect(ledger.admit(req('a')).ok).toBe(true)
    expect(ledger.admit(req('a'))).toEqual({ ok: false, reason: 'per-source-count' })
    expect(ledger.admit(req('b', 601))).toEqual({ ok: false, reason: 'per-source-bytes' })
    expect(ledger.pool('mailbox')).toEqual({ count: 2, bytes: 20 })
    expect(() => ledger.admitOrThrow(req('a'))).toThrow(HolderQuotaError)
  })

  it('makes room in a full pool from the largest source, oldest record first', () => {
    const ledger = new StoreLedger(LIMITS)
    const a1 = req('a'); const a2 = req('a'); const b1 = req('b')
    for (const r of [a1, a2, b1]) expect(ledger.admit(r).ok).toBe(true)
    const result = ledger.admit(req('c'))
    expect(result).toMatchObject({ ok: true, evicted: [{ id: a1.id, source: 'a' }] })
    expect(ledger.account('mailbox', 'a')).toEqual({ count: 1, bytes: 10 })
    expect(ledger.held(a1.id)).toBeUndefined()
    expect(ledger.pool('mailbox').count).toBe(3)
  })

  it('evicts as many as a big record needs, by bytes too', () => {
    const ledger = new StoreLedger(LIMITS)
    for (const s of ['a', 'b', 'c']) expect(ledger.admit(req(s, 300)).ok).toBe(true)
    const result = ledger.admit(req('d', 550))
    expect(result.ok && result.evicted.length).toBe(2)
    expect(ledger.pool('mailbox').bytes).toBeLessThanOrEqual(1000)
  })

  it('never evicts or refuses our own records; a pool full of ours refuses strangers', () => {
    const ledger = new StoreLedger(LIMITS)
    for (let i = 0; i < 3; i++) expect(ledger.admit(req(SELF)).ok).toBe(true)
    expect(ledger.admit(req('a'))).toEqual({ ok: false, reason: 'pool-full' })
    // Ours go in even past the cap: a node must be able to store what it publishes.
    expect(ledger.admit(req(SELF)).ok).toBe(true)
    expect(ledger.account('mailbox', SELF).count).toBe(4)
  })

  it('moves a new version of a record to whoever stored it, without counting it twice', () => {
    const ledger = new StoreLedger(LIMITS)
    const first = req('a', 100)
    ledger.admit(first)
    expect(ledger.admit({ ...first, source: 'b', bytes: 50 })).toMatchObject({ ok: true, replaced: { source: 'a', bytes: 100 } })
    expect(ledger.account('mailbox', 'a')).toEqual({ count: 0, bytes: 0 })
    expect(ledger.account('mailbox', 'b')).toEqual({ count: 1, bytes: 50 })
    expect(ledger.pool('mailbox')).toEqual({ count: 1, bytes: 50 })
    // A source at its cap may still replace its own record.
    const b2 = req('b')
    ledger.admit(b2)
    expect(ledger.admit({ ...b2, bytes: 20 }).ok).toBe(true)
  })

  it('keeps the pools apart: a full directory takes no room from mail', () => {
    const ledger = new StoreLedger(LIMITS)
    for (let i = 0; i < 10; i++) ledger.admit(req(`s${i}`, 10, { pool: 'directory', kind: 'murmur-presence' }))
    expect(ledger.pool('directory').count).toBe(4)
    expect(ledger.admit(req('honest')).ok).toBe(true)
    expect(ledger.byKind()).toEqual({ 'murmur-presence': { count: 4, bytes: 40 }, 'murmur-mailbox': { count: 1, bytes: 10 } })
  })

  it('never holds more than its limits from strangers, whatever they send (property)', () => {
    fc.assert(fc.property(fc.array(fc.record({
      source: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
      id: fc.integer({ min: 0, max: 12 }),
      bytes: fc.integer({ min: 0, max: 700 }),
      release: fc.boolean()
    }), { maxLength: 200 }), (ops) => {
      const ledger = new StoreLedger(LIMITS)
      for (const op of ops) {
        const id = `/r/${op.id}`
        if (op.release) ledger.release(id)
        else ledger.admit({ id, pool: 'mailbox', kind: 'murmur-mailbox', source: op.source, bytes: op.bytes })
        const total = ledger.pool('mailbox')
        expect(total.count).toBeLessThanOrEqual(LIMITS.mailbox.count)
        expect(total.bytes).toBeLessThanOrEqual(LIMITS.mailbox.bytes)
        for (const s of ['a', 'b', 'c', 'd', 'e']) {
          const account = ledger.account('mailbox', s)
          expect(account.count).toBeLessThanOrEqual(LIMITS.mailbox.perSourceCount)
          expect(account.bytes).toBeLessThanOrEqual(LIMITS.mailbox.perSourceBytes)
        }
      }
    }))
  })
})

describe('store limits', () => {
  it('keep a tab\'s whole DHT store at 32 MiB', () => {
    expect(storeTotals(TAB_STORE_LIMITS).bytes).toBe(32 * 1024 * 1024)
  })

  it('shrink to 5 % of a small origin quota and never grow past the defaults', () => {
    const small = scaleToQuota(TAB_STORE_LIMITS, 100 * 1024 * 1024)
    expect(storeTotals(small).bytes).toBeLessThanOrEqual(5 * 1024 * 1024)
    for (const p of POOLS) expect(small[p].perSourceBytes).toBeLessThanOrEqual(small[p].bytes)
    expect(scaleToQuota(TAB_STORE_LIMITS, 100 * 1024 ** 3)).toBe(TAB_STORE_LIMITS)
    expect(scaleToQuota(TAB_STORE_LIMITS, undefined)).toBe(TAB_STORE_LIMITS)
  })
})

describe('a cache pool (the peer store)', () => {
  it('rotates its one source\'s oldest entry out instead of refusing', () => {
    const ledger = new StoreLedger(LIMITS)
    const entries = [0, 1, 2, 3].map((i) => ({ id: `/peers/${i}`, pool: 'peers' as const, kind: 'peers', source: 'peer-store', bytes: 10, rotate: true }))
    for (const e of entries.slice(0, 2)) expect(ledger.admit(e).ok).toBe(true)
    expect(ledger.admit(entries[2]!)).toMatchObject({ ok: true, evicted: [{ id: '/peers/0' }] })
    expect(ledger.admit(entries[3]!)).toMatchObject({ ok: true, evicted: [{ id: '/peers/1' }] })
    expect(ledger.pool('peers')).toEqual({ count: 2, bytes: 20 })
    // Without `rotate`, the same source at its cap is refused.
    expect(ledger.admit({ ...entries[0]!, rotate: false })).toEqual({ ok: false, reason: 'per-source-count' })
  })
})
