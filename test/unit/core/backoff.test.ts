import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { backoffCeiling, backoffDelay, nextAttemptAt, RETRY_BACKOFF } from '../../../src/core/backoff.ts'

describe('retry backoff', () => {
  it('doubles its ceiling from 0.5 s and stops at 5 s', () => {
    expect([1, 2, 3, 4, 5, 6, 50, 10_000].map((n) => backoffCeiling(n))).toEqual([500, 1000, 2000, 4000, 5000, 5000, 5000, 5000])
  })

  it('treats zero or fewer failures as the first', () => {
    expect(backoffCeiling(0)).toBe(500)
    expect(backoffCeiling(-3)).toBe(500)
  })

  it('draws the delay below the ceiling: full jitter', () => {
    expect(backoffDelay(3, RETRY_BACKOFF, () => 0)).toBe(0)
    expect(backoffDelay(3, RETRY_BACKOFF, () => 0.5)).toBe(1000)
    expect(backoffDelay(3, RETRY_BACKOFF, () => 0.999999)).toBe(1999)
    expect(backoffDelay(9, RETRY_BACKOFF, () => 0.999999)).toBe(4999)
  })

  it('never waits longer than the cap, whatever the random source says', () => {
    fc.assert(fc.property(fc.integer({ min: -5, max: 1_000_000 }), fc.double({ min: -1, max: 2, noNaN: true }), (failures, r) => {
      const delay = backoffDelay(failures, { initialMs: 500, maxMs: 5_000 }, () => r)
      return delay >= 0 && delay <= 5_000 && Number.isInteger(delay)
    }))
  })

  it('follows another policy', () => {
    expect([1, 2, 3, 4].map((n) => backoffCeiling(n, { initialMs: 100, maxMs: 300 }))).toEqual([100, 200, 300, 300])
  })

  it('puts the next attempt after the failure by the drawn delay', () => {
    expect(nextAttemptAt(10_000, 2, RETRY_BACKOFF, () => 0.25)).toBe(10_250)
  })
})
