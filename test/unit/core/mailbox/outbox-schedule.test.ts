import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  deliveryDeadline,
  DIRECT_RETRY_MAX_MS,
  DIRECT_RETRY_MIN_MS,
  isFailed,
  MAILBOX_MIN_RETENTION_MS,
  MAILBOX_RETENTION_MS,
  nextAttempt,
  republishDue,
  REPUBLISH_INTERVAL_MS
} from '../../../../src/core/mailbox/index.ts'

const NOW = Date.UTC(2025, 0, 1)
const HOUR = 3600 * 1000
const DAY = 24 * HOUR
const lowest = (n: number): Uint8Array => new Uint8Array(n)
const highest = (n: number): Uint8Array => new Uint8Array(n).fill(0xff)
const delay = (attempts: number, random = lowest): number => nextAttempt({ attempts }, NOW, random) - NOW

describe('nextAttempt', () => {
  it('starts near a second and doubles', () => {
    expect(delay(0, lowest)).toBe(DIRECT_RETRY_MIN_MS / 2)
    expect(delay(0, highest)).toBe(DIRECT_RETRY_MIN_MS)
    expect(delay(1, highest)).toBe(2 * DIRECT_RETRY_MIN_MS)
    expect(delay(4, highest)).toBe(16 * DIRECT_RETRY_MIN_MS)
  })

  it('is bounded by five minutes, however many attempts failed', () => {
    expect(DIRECT_RETRY_MAX_MS).toBe(5 * 60 * 1000)
    for (const attempts of [9, 10, 50, 1075, Number.MAX_SAFE_INTEGER]) {
      expect(delay(attempts, highest)).toBe(DIRECT_RETRY_MAX_MS)
      expect(delay(attempts, lowest)).toBe(DIRECT_RETRY_MAX_MS / 2)
    }
  })

  it('property: jitter stays within [ceiling / 2, ceiling], and below the cap waits never shrink from one attempt to the next', () => {
    fc.assert(fc.property(fc.nat({ max: 40 }), fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.uint8Array({ minLength: 4, maxLength: 4 }), (attempts, r1, r2) => {
      const ceiling = Math.min(DIRECT_RETRY_MAX_MS, DIRECT_RETRY_MIN_MS * 2 ** attempts)
      const d = delay(attempts, () => r1)
      expect(d).toBeGreaterThanOrEqual(ceiling / 2)
      expect(d).toBeLessThanOrEqual(ceiling)
      if (2 * ceiling <= DIRECT_RETRY_MAX_MS) expect(delay(attempts + 1, () => r2)).toBeGreaterThanOrEqual(d)
    }), { numRuns: 200 })
  })

  it('different random bytes spread retries out', () => {
    const seen = new Set([0, 64, 128, 192, 255].map((b) => delay(6, (n) => new Uint8Array(n).fill(b))))
    expect(seen.size).toBe(5)
  })

  it('refuses a bad attempt count or a short random source', () => {
    expect(() => nextAttempt({ attempts: -1 }, NOW, lowest)).toThrow(RangeError)
    expect(() => nextAttempt({ attempts: 0.5 }, NOW, lowest)).toThrow(RangeError)
    expect(() => nextAttempt({ attempts: 0 }, NOW, () => new Uint8Array(2))).toThrow(TypeError)
  })
})

describe('republishDue', () => {
  const record = (createdAt: number, expiresAt: number, entries: unknown[] = [1]): { createdAt: number, expiresAt: number, entries: unknown[] } =>
    ({ createdAt, expiresAt, entries })

  it('at least daily, so no holder copy reaches kad-dht\'s 48 h drop', () => {
    const r = record(NOW, NOW + 21 * DAY)
    expect(REPUBLISH_INTERVAL_MS).toBe(DAY)
    expect(republishDue(r, NOW)).toBe(false)
    expect(republishDue(r, NOW + DAY - 1)).toBe(false)
    expect(republishDue(r, NOW + DAY)).toBe(true)
  })

  it('sooner when less than a third of a short life is left', () => {
    const r = record(NOW, NOW + 9 * HOUR)
    expect(republishDue(r, NOW + 6 * HOUR)).toBe(false)
    expect(republishDue(r, NOW + 6 * HOUR + 1)).toBe(true)
    expect(republishDue(r, NOW + 9 * HOUR - 1)).toBe(true)
  })

  it('never for an expired record or a tombstone', () => {
    expect(republishDue(record(NOW, NOW + 9 * HOUR), NOW + 9 * HOUR)).toBe(false)
    expect(republishDue(record(NOW, NOW + 21 * DAY, []), NOW + 2 * DAY)).toBe(false)
  })
})

describe('isFailed', () => {
  const message = { queuedAt: NOW }

  it('after 21 days by default, not a moment before', () => {
    expect(MAILBOX_RETENTION_MS).toBe(21 * DAY)
    expect(isFailed(message, NOW + 21 * DAY - 1)).toBe(false)
    expect(isFailed(message, NOW + 21 * DAY)).toBe(true)
    expect(deliveryDeadline(message)).toBe(NOW + 21 * DAY)
  })

  it('after a shorter chosen retention, from 14 days', () => {
    expect(MAILBOX_MIN_RETENTION_MS).toBe(14 * DAY)
    expect(isFailed(message, NOW + 14 * DAY - 1, 14 * DAY)).toBe(false)
    expect(isFailed(message, NOW + 14 * DAY, 14 * DAY)).toBe(true)
  })

  it('refuses a retention no holder would keep, or too short to be useful', () => {
    expect(() => isFailed(message, NOW, 21 * DAY + 1)).toThrow(RangeError)
    expect(() => isFailed(message, NOW, 14 * DAY - 1)).toThrow(RangeError)
  })
})
