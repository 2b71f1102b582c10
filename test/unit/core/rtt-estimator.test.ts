import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  observeRtt, receiptTimeout, RECEIPT_WAIT_INITIAL_MS, RECEIPT_WAIT_MAX_MS, RECEIPT_WAIT_MIN_MS
} from '../../../src/core/rtt-estimator.ts'

describe('receipt timeout from measured round trips (RFC 6298)', () => {
  it('starts at the initial wait before any sample', () => {
    expect(receiptTimeout(undefined)).toBe(RECEIPT_WAIT_INITIAL_MS)
  })

  it('takes the first sample as SRTT = R, RTTVAR = R/2 (section 2.2)', () => {
    expect(observeRtt(undefined, 400)).toEqual({ srtt: 400, rttvar: 200 })
    // RTO = 400 + 4 * 200 = 1200
    expect(receiptTimeout(observeRtt(undefined, 400))).toBe(1200)
  })

  it('smooths later samples with alpha 1/8 and beta 1/4 (section 2.3)', () => {
    const next = observeRtt({ srtt: 400, rttvar: 200 }, 800)
    // RTTVAR = 3/4 * 200 + 1/4 * |400 - 800| = 250; SRTT = 7/8 * 400 + 1/8 * 800 = 450
    expect(next).toEqual({ srtt: 450, rttvar: 250 })
    expect(receiptTimeout(next)).toBe(1450)
  })

  it('clamps to a second for a fast, steady link and to four seconds for a slow one', () => {
    let fast
    for (let i = 0; i < 50; i++) fast = observeRtt(fast, 30)
    expect(receiptTimeout(fast)).toBe(RECEIPT_WAIT_MIN_MS)
    expect(receiptTimeout(observeRtt(undefined, 9_000))).toBe(RECEIPT_WAIT_MAX_MS)
  })

  it('ignores samples that are not round trips (negative after a clock step, NaN)', () => {
    const estimate = observeRtt(undefined, 300)
    expect(observeRtt(estimate, -5)).toBe(estimate)
    expect(observeRtt(estimate, Number.NaN)).toBe(estimate)
    expect(observeRtt(undefined, Number.POSITIVE_INFINITY)).toBeUndefined()
  })

  it('always waits within the clamp, whatever the samples', () => {
    fc.assert(fc.property(fc.array(fc.double({ min: -1_000, max: 1e7, noNaN: true }), { maxLength: 40 }), (samples) => {
      let estimate
      for (const sample of samples) estimate = observeRtt(estimate, sample)
      const wait = receiptTimeout(estimate)
      return wait >= RECEIPT_WAIT_MIN_MS && wait <= RECEIPT_WAIT_MAX_MS
    }))
  })
})
