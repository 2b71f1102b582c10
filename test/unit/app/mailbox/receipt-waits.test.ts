import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ReceiptWaits } from '../../../../src/app/mailbox/receipt-waits.ts'
import { RECEIPT_WAIT_INITIAL_MS, RECEIPT_WAIT_MIN_MS } from '../../../../src/core/rtt-estimator.ts'

describe('receipt waits on direct links', () => {
  let now = 0
  let overdue: string[] = []
  let waits: ReceiptWaits
  beforeEach(() => {
    vi.useFakeTimers()
    now = 0
    overdue = []
    waits = new ReceiptWaits({ now: () => now, overdue: (contactId) => { overdue.push(contactId) } })
  })
  afterEach(() => { vi.useRealTimers() })
  const advance = (ms: number): void => { now += ms; vi.advanceTimersByTime(ms) }

  it('wakes the outbox once a message has waited the timeout without a receipt', () => {
    waits.sent('ben', 'm1')
    advance(RECEIPT_WAIT_INITIAL_MS - 1)
    expect(overdue).toEqual([])
    expect(waits.isOverdue('m1')).toBe(false)
    advance(1)
    expect(overdue).toEqual(['ben'])
    expect(waits.isOverdue('m1')).toBe(true)
  })

  it('a receipt in time stops the wait and teaches the estimate', () => {
    waits.sent('ben', 'm1')
    advance(200)
    waits.received('m1')
    advance(10_000)
    expect(overdue).toEqual([])
    // SRTT 200, RTTVAR 100: 600 ms, clamped up to the minimum.
    expect(waits.timeout('ben')).toBe(RECEIPT_WAIT_MIN_MS)
  })

  it('a message sent twice gives no sample (Karn)', () => {
    waits.sent('ben', 'm1')
    waits.sent('ben', 'm1')
    advance(900)
    waits.received('m1')
    expect(waits.timeout('ben')).toBe(RECEIPT_WAIT_INITIAL_MS)
  })

  it('after settling the overdue ones, the next wake is for the earliest still waiting', () => {
    waits.sent('ben', 'm1')
    advance(600)
    waits.sent('ben', 'm2')
    advance(400)
    expect(overdue).toEqual(['ben'])
    expect(waits.isOverdue('m2')).toBe(false)
    waits.settle('ben')
    advance(599)
    expect(overdue).toEqual(['ben'])
    advance(1)
    expect(overdue).toEqual(['ben', 'ben'])
  })

  it('a message this tab never timed (another tab sent it, or before a reload) counts as overdue', () => {
    expect(waits.isOverdue('unknown')).toBe(true)
  })
})

describe('a link that let a message go overdue', () => {
  let now = 0
  let waits: ReceiptWaits
  beforeEach(() => {
    vi.useFakeTimers()
    now = 0
    waits = new ReceiptWaits({ now: () => now, overdue: () => {} })
  })
  afterEach(() => { vi.useRealTimers() })
  const advance = (ms: number): void => { now += ms; vi.advanceTimersByTime(ms) }

  it('is suspect until a receipt comes back on it, or a new link comes up', () => {
    waits.sent('ben', 'm1')
    expect(waits.isSuspect('ben')).toBe(false)
    advance(RECEIPT_WAIT_INITIAL_MS)
    expect(waits.isSuspect('ben')).toBe(true)
    expect(waits.isSuspect('cai')).toBe(false)
    waits.sent('ben', 'm2')
    waits.received('m2')
    expect(waits.isSuspect('ben')).toBe(false)

    waits.sent('ben', 'm3')
    advance(10_000)
    expect(waits.isSuspect('ben')).toBe(true)
    waits.linkUp('ben')
    expect(waits.isSuspect('ben')).toBe(false)
  })

  it('a receipt for a message it never timed proves nothing', () => {
    waits.sent('ben', 'm1')
    advance(RECEIPT_WAIT_INITIAL_MS)
    waits.received('from another tab')
    expect(waits.isSuspect('ben')).toBe(true)
  })
})
