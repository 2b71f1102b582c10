import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Writer } from '../../../../src/core/codec.ts'
import {
  decodeMailboxRecord,
  encodeMailboxRecord,
  isTombstone,
  mailboxSlot,
  MAILBOX_MAX_BYTES,
  MAILBOX_MAX_ENTRIES,
  MAILBOX_MAX_FUTURE_MS,
  MAILBOX_MAX_TTL_MS,
  selectMailboxRecord,
  slotEpoch,
  validateMailboxRecord,
  type MailboxRecordFields
} from '../../../../src/core/mailbox/index.ts'
import { appendSignature } from '../../../../src/core/signed-record.ts'
import { fixedIdentity, flipByte, isTypedError, prefixThenNoise, thrown } from '../support.ts'

const NOW = Date.UTC(2025, 0, 1)
const DAY = 24 * 3600 * 1000
const bob = fixedIdentity(2)
const secret = new Uint8Array(32).fill(7)
const slot = mailboxSlot(secret, bob.publicKey, slotEpoch(NOW), 0)
const nextSlot = mailboxSlot(secret, bob.publicKey, slotEpoch(NOW), 1)
const id = (n: number): Uint8Array => new Uint8Array(16).fill(n)
const fields: MailboxRecordFields = {
  seq: 3,
  createdAt: NOW,
  expiresAt: NOW + 21 * DAY,
  entries: [{ id: id(1), payload: new Uint8Array([2, 1, 2, 3]) }, { id: id(2), payload: new Uint8Array(100).fill(5) }]
}
const record = encodeMailboxRecord(slot.writeKey, fields)

function expectRecordError (fn: () => unknown, reason: string, field?: string): void {
  const err = thrown(fn)
  expect(err.name).toBe('InvalidRecordError')
  expect(err.reason).toBe(reason)
  if (field !== undefined) expect(err.field).toBe(field)
}

/** A correctly signed record written by hand, to test one bad field at a time. */
function craft (write: (w: Writer) => void, writeKey = slot.writeKey): Uint8Array {
  const w = new Writer()
  write(w)
  return appendSignature(writeKey, 'murmur/mailbox/v1', w.finish())
}
const header = (w: Writer, createdAt = NOW, expiresAt = NOW + DAY): Writer =>
  w.u8(1).bytes(slot.writeKey.publicKey).uvarint(3).uvarint(createdAt).uvarint(expiresAt)
const oneEntry = (w: Writer): Writer => w.uvarint(1).bytes(id(1)).bytes(new Uint8Array([1]))

describe('mailbox record round trip', () => {
  it('decodes what it encodes, and names its slot', () => {
    const decoded = decodeMailboxRecord(record, NOW)
    expect(decoded).toEqual({ writeKey: slot.writeKey.publicKey, slotKey: slot.key, ...fields })
    expect(isTombstone(decoded)).toBe(false)
    expect(() => validateMailboxRecord(slot.key, record, NOW)).not.toThrow()
  })

  it('the hand-crafted body matches the real encoding', () => {
    const f = { ...fields, expiresAt: NOW + DAY, entries: [{ id: id(1), payload: new Uint8Array([1]) }] }
    expect(craft((w) => oneEntry(header(w)))).toEqual(encodeMailboxRecord(slot.writeKey, f))
  })

  it('an empty list is a tombstone, valid at its slot', () => {
    const tombstone = encodeMailboxRecord(slot.writeKey, { ...fields, seq: 4, entries: [] })
    const decoded = decodeMailboxRecord(tombstone, NOW)
    expect(decoded.entries).toEqual([])
    expect(isTombstone(decoded)).toBe(true)
    expect(() => validateMailboxRecord(slot.key, tombstone, NOW)).not.toThrow()
  })

  it('holds 32 entries, and one 60 KiB session payload', () => {
    const many = Array.from({ length: MAILBOX_MAX_ENTRIES }, (_, i) => ({ id: id(i), payload: new Uint8Array(10) }))
    expect(decodeMailboxRecord(encodeMailboxRecord(slot.writeKey, { ...fields, entries: many }), NOW).entries).toHaveLength(32)
    const big = [{ id: id(1), payload: new Uint8Array(60 * 1024 + 200) }]
    expect(decodeMailboxRecord(encodeMailboxRecord(slot.writeKey, { ...fields, entries: big }), NOW).entries[0]!.payload).toEqual(big[0]!.payload)
  })

  it('property: decode(encode(x)) = x for any valid fields that fit', () => {
    const entries = fc.uniqueArray(
      fc.record({ id: fc.uint8Array({ minLength: 16, maxLength: 16 }), payload: fc.uint8Array({ minLength: 1, maxLength: 200 }) }),
      { maxLength: MAILBOX_MAX_ENTRIES, selector: (e) => e.id.join() }
    )
    fc.assert(fc.property(fc.maxSafeNat(), fc.integer({ min: -MAILBOX_MAX_FUTURE_MS, max: 0 }), fc.integer({ min: 1, max: 21 * DAY }), entries,
      (seq, age, ttl, es) => {
        const f = { seq, createdAt: NOW + age, expiresAt: NOW + ttl, entries: es }
        expect(decodeMailboxRecord(encodeMailboxRecord(slot.writeKey, f), NOW)).toEqual({ writeKey: slot.writeKey.publicKey, slotKey: slot.key, ...f })
      }), { numRuns: 30 })
  })
})

describe('mailbox record rejection', () => {
  const bodyLength = record.length - 64

  it('a flipped byte in the signature', () => {
    for (const i of [bodyLength, record.length - 1]) expectRecordError(() => decodeMailboxRecord(flipByte(record, i), NOW), 'signature', 'signature')
  })

  it('a flipped byte in the body: the seq, and a payload byte', () => {
    // version (1) + key length (1) + key (32): the next byte is seq.
    expect(record[34]).toBe(3)
    expectRecordError(() => decodeMailboxRecord(flipByte(record, 34), NOW), 'signature', 'signature')
    expectRecordError(() => decodeMailboxRecord(flipByte(record, bodyLength - 1), NOW), 'signature', 'signature')
  })

  it('property: no single-byte change anywhere decodes', () => {
    fc.assert(fc.property(fc.nat({ max: record.length - 1 }), fc.integer({ min: 1, max: 255 }), (i, x) => {
      const changed = record.slice()
      changed[i]! ^= x
      expect(thrown(() => decodeMailboxRecord(changed, NOW)).name).toBe('InvalidRecordError')
    }), { numRuns: 200 })
  })

  it('truncation at every length', () => {
    for (let n = 0; n < record.length; n++) expectRecordError(() => decodeMailboxRecord(record.subarray(0, n), NOW), 'malformed')
  })

  it('more than 64 KiB, before decoding', () => {
    const big = new Uint8Array(MAILBOX_MAX_BYTES + 1)
    big.set(record)
    expectRecordError(() => decodeMailboxRecord(big, NOW), 'oversize', 'record')
    // The same bytes one shorter get as far as the parser.
    expectRecordError(() => decodeMailboxRecord(big.subarray(0, MAILBOX_MAX_BYTES), NOW), 'malformed')
  })

  it('an expired record, at and after its expiry', () => {
    const short = encodeMailboxRecord(slot.writeKey, { ...fields, expiresAt: NOW + DAY })
    expectRecordError(() => decodeMailboxRecord(short, NOW + DAY), 'expired', 'expiresAt')
    expectRecordError(() => decodeMailboxRecord(short, NOW + 2 * DAY), 'expired', 'expiresAt')
    expect(decodeMailboxRecord(short, NOW + DAY - 1).seq).toBe(3)
  })

  it('an expiry more than 21 days and 10 minutes ahead', () => {
    const far = craft((w) => oneEntry(header(w, NOW, NOW + MAILBOX_MAX_TTL_MS + 1)))
    expectRecordError(() => decodeMailboxRecord(far, NOW), 'too-far-future', 'expiresAt')
    expect(decodeMailboxRecord(far, NOW + 1).seq).toBe(3)
  })

  it('a creation time more than 10 minutes ahead', () => {
    const ahead = craft((w) => oneEntry(header(w, NOW + MAILBOX_MAX_FUTURE_MS + 1, NOW + DAY)))
    expectRecordError(() => decodeMailboxRecord(ahead, NOW), 'too-far-future', 'createdAt')
    expect(decodeMailboxRecord(ahead, NOW + 1).seq).toBe(3)
  })

  it('wrong types: unknown version, 31-byte key, expiry not after creation, short id, empty payload, repeated id, 33 entries, trailing bytes', () => {
    const cases: Array<[(w: Writer) => void, string]> = [
      [(w) => oneEntry(w.u8(3).bytes(slot.writeKey.publicKey).uvarint(3).uvarint(NOW).uvarint(NOW + DAY)), 'version'],
      [(w) => oneEntry(w.u8(1).bytes(slot.writeKey.publicKey.subarray(0, 31)).uvarint(3).uvarint(NOW).uvarint(NOW + DAY)), 'writeKey'],
      [(w) => oneEntry(header(w, NOW, NOW)), 'expiresAt'],
      [(w) => header(w).uvarint(1).bytes(new Uint8Array(15)).bytes(new Uint8Array([1])), 'id'],
      [(w) => header(w).uvarint(1).bytes(id(1)).bytes(new Uint8Array(0)), 'payload'],
      [(w) => header(w).uvarint(2).bytes(id(1)).bytes(new Uint8Array([1])).bytes(id(1)).bytes(new Uint8Array([2])), 'id'],
      [(w) => header(w).uvarint(MAILBOX_MAX_ENTRIES + 1), 'entries'],
      [(w) => oneEntry(header(w)).u8(0), 'mailbox record'],
      [(w) => header(w).uvarint(1).bytes(id(1)), 'payload']
    ]
    for (const [write, field] of cases) expectRecordError(() => decodeMailboxRecord(craft(write), NOW), 'malformed', field)
    expectRecordError(() => decodeMailboxRecord('not bytes' as any, NOW), 'malformed', 'record')
  })

  it('a record stored at another slot, or under a key that is not a slot', () => {
    expectRecordError(() => validateMailboxRecord(nextSlot.key, record, NOW), 'wrong-key', 'key')
    expectRecordError(() => validateMailboxRecord(new Uint8Array(0), record, NOW), 'wrong-key', 'key')
  })

  it('a record signed by another write key that names this slot\'s key: a bad signature', () => {
    const forged = craft((w) => oneEntry(header(w)), nextSlot.writeKey)
    expectRecordError(() => decodeMailboxRecord(forged, NOW), 'signature', 'signature')
  })

  it('a record validly signed by another write key: wrong slot, whatever it claims', () => {
    const squatter = encodeMailboxRecord(nextSlot.writeKey, { ...fields, seq: 1e15 })
    expect(decodeMailboxRecord(squatter, NOW).seq).toBe(1e15)
    expectRecordError(() => validateMailboxRecord(slot.key, squatter, NOW), 'wrong-key', 'key')
  })

  it('a signature made for another record type', () => {
    const w = new Writer()
    oneEntry(header(w))
    expectRecordError(() => decodeMailboxRecord(appendSignature(slot.writeKey, 'murmur/presence/v1', w.finish()), NOW), 'signature')
  })

  it('property: random bytes fail only with typed errors, and never win the selector', () => {
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), prefixThenNoise(record)), (bytes) => {
      let valid = true
      for (const call of [() => decodeMailboxRecord(bytes, NOW), () => validateMailboxRecord(slot.key, bytes, NOW)]) {
        try {
          call()
        } catch (err) {
          valid = false
          expect(isTypedError(err)).toBe(true)
        }
      }
      // The generator can hand back the valid record itself (the whole prefix, no noise):
      // then the two tie and the lower index wins, as it should.
      if (!valid) expect(selectMailboxRecord(slot.key, [bytes, record], NOW)).toBe(1)
    }), { numRuns: 200 })
  })
})

describe('encodeMailboxRecord refuses records holders would reject', () => {
  const bad = (f: Partial<MailboxRecordFields>): any => thrown(() => encodeMailboxRecord(slot.writeKey, { ...fields, ...f }))

  it('bad numbers and times', () => {
    expect(bad({ seq: -1 })).toMatchObject({ name: 'InvalidRecordError', reason: 'malformed', field: 'seq' })
    expect(bad({ seq: 1.5 })).toMatchObject({ reason: 'malformed', field: 'seq' })
    expect(bad({ createdAt: -5 })).toMatchObject({ reason: 'malformed', field: 'createdAt' })
    expect(bad({ expiresAt: NOW })).toMatchObject({ reason: 'malformed', field: 'expiresAt' })
    expect(bad({ expiresAt: NOW + MAILBOX_MAX_TTL_MS + 1 })).toMatchObject({ reason: 'too-far-future', field: 'expiresAt' })
    expect(encodeMailboxRecord(slot.writeKey, { ...fields, expiresAt: NOW + MAILBOX_MAX_TTL_MS })).toBeInstanceOf(Uint8Array)
  })

  it('bad entries', () => {
    expect(bad({ entries: Array.from({ length: 33 }, (_, i) => ({ id: id(i), payload: new Uint8Array(1) })) })).toMatchObject({ field: 'entries' })
    expect(bad({ entries: [{ id: new Uint8Array(15), payload: new Uint8Array(1) }] })).toMatchObject({ field: 'id' })
    expect(bad({ entries: [{ id: id(1), payload: new Uint8Array(0) }] })).toMatchObject({ field: 'payload' })
    expect(bad({ entries: [{ id: id(1), payload: new Uint8Array(1) }, { id: id(1), payload: new Uint8Array(2) }] })).toMatchObject({ field: 'id' })
  })

  it('too big, in one payload or in several', () => {
    expect(bad({ entries: [{ id: id(1), payload: new Uint8Array(MAILBOX_MAX_BYTES) }] })).toMatchObject({ reason: 'oversize' })
    const halves = [1, 2].map((n) => ({ id: id(n), payload: new Uint8Array(MAILBOX_MAX_BYTES / 2 - 60) }))
    expect(bad({ entries: halves })).toMatchObject({ reason: 'oversize', field: 'record' })
  })
})

describe('selectMailboxRecord', () => {
  const at = (seq: number, createdAt = NOW, entries = fields.entries): Uint8Array =>
    encodeMailboxRecord(slot.writeKey, { seq, createdAt, expiresAt: NOW + DAY, entries })

  it('picks the highest seq, a tombstone included', () => {
    expect(selectMailboxRecord(slot.key, [at(1), at(5), at(3)], NOW)).toBe(1)
    expect(selectMailboxRecord(slot.key, [at(9), at(5)], NOW)).toBe(0)
    expect(selectMailboxRecord(slot.key, [at(5), at(6, NOW, [])], NOW)).toBe(1)
  })

  it('breaks a seq tie by the later createdAt, then the lower index', () => {
    expect(selectMailboxRecord(slot.key, [at(5, NOW - 2), at(5, NOW - 1), at(4, NOW)], NOW)).toBe(1)
    expect(selectMailboxRecord(slot.key, [at(1), at(5), at(5, NOW, [])], NOW)).toBe(1)
    expect(selectMailboxRecord(slot.key, [at(1), at(5, NOW, []), at(5)], NOW)).toBe(1)
  })

  it('never lets an invalid record win, whatever its seq', () => {
    const forged = flipByte(at(1000), at(1000).length - 1)
    const expired = encodeMailboxRecord(slot.writeKey, { ...fields, seq: 999, createdAt: NOW - 2 * DAY, expiresAt: NOW - 1 })
    const squatter = encodeMailboxRecord(nextSlot.writeKey, { ...fields, seq: 998 })
    expect(selectMailboxRecord(slot.key, [forged, expired, squatter, at(2)], NOW)).toBe(3)
    expect(selectMailboxRecord(slot.key, [at(0), forged, squatter], NOW)).toBe(0)
  })

  it('returns 0 when none is valid, or there are none', () => {
    expect(selectMailboxRecord(slot.key, [new Uint8Array(3), at(5)], NOW + 2 * DAY)).toBe(0)
    expect(selectMailboxRecord(nextSlot.key, [new Uint8Array(3), at(5)], NOW)).toBe(0)
    expect(selectMailboxRecord(slot.key, [], NOW)).toBe(0)
  })
})
