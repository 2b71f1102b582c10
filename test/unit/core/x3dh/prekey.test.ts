import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { equals, toString } from 'uint8arrays'
import { Writer } from '../../../../src/core/codec.ts'
import { appendSignature } from '../../../../src/core/signed-record.ts'
import { encodeUserId } from '../../../../src/core/user-id.ts'
import { createDhIdentity } from '../../../../src/core/x3dh/dh-identity.ts'
import {
  decodePrekeyBundle,
  encodePrekeyBundle,
  prekeyKey,
  selectPrekey,
  validatePrekeyRecord,
  PREKEY_ID_MAX,
  PREKEY_MAX_BYTES,
  PREKEY_MAX_TTL_MS,
  PREKEY_NAMESPACE,
  type PrekeyBundleFields
} from '../../../../src/core/x3dh/prekey.ts'
import { DAY, MINUTE, NOW, fixedIdentity, fixedRandom, flipByte, isOurError, prefixThenNoise, thrown } from './support.ts'

const alice = fixedIdentity(1)
const bob = fixedIdentity(2)
const bobDh = createDhIdentity(bob, fixedRandom(12))
const aliceDh = createDhIdentity(alice, fixedRandom(11))
const PREKEY = new Uint8Array(32).fill(0x42)
const fields: PrekeyBundleFields = {
  dhIdentityKey: bobDh.publicKey,
  dhIdentitySignature: bobDh.signature,
  prekeyId: 7,
  prekey: PREKEY,
  createdAt: NOW - DAY,
  expiresAt: NOW + 20 * DAY
}
const record = encodePrekeyBundle(bob, fields)
const key = prekeyKey(bob.publicKey)

function expectRecordError (fn: () => unknown, reason: string, field?: string): void {
  const err = thrown(fn)
  expect(err.name).toBe('InvalidRecordError')
  expect(err.reason).toBe(reason)
  if (field !== undefined) expect(err.field).toBe(field)
}

type Body = PrekeyBundleFields & { version: number, identityKey: Uint8Array }
/** A bundle written by hand and signed by `signer`, to test one bad field at a time. */
function craft (change: Partial<Body> = {}, signer = bob, context = 'murmur/prekey/v1'): Uint8Array {
  const b: Body = { version: 1, identityKey: bob.publicKey, ...fields, ...change }
  const w = new Writer().u8(b.version).bytes(b.identityKey).bytes(b.dhIdentityKey).bytes(b.dhIdentitySignature)
    .uvarint(b.prekeyId).bytes(b.prekey).uvarint(b.createdAt).uvarint(b.expiresAt)
  return appendSignature(signer, context, w.finish())
}

describe('prekey key', () => {
  it('is the text /murmur-prekey/<user id>, so kad-dht finds the validator by namespace', () => {
    expect(PREKEY_NAMESPACE).toBe('murmur-prekey')
    expect(toString(key)).toBe(`/murmur-prekey/${encodeUserId(bob.publicKey)}`)
  })
})

describe('prekey bundle round trip', () => {
  it('decodes what it encodes, with the record signature kept', () => {
    expect(decodePrekeyBundle(record, NOW)).toEqual({ identityKey: bob.publicKey, ...fields, signature: record.subarray(record.length - 64) })
    expect(() => validatePrekeyRecord(key, record, NOW)).not.toThrow()
  })

  it('the hand-crafted body matches the real encoding', () => {
    expect(craft()).toEqual(record)
  })

  it('property: decode(encode(x)) = x for any valid fields', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: PREKEY_ID_MAX }), fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.integer({ min: 0, max: 10 * MINUTE }), fc.integer({ min: 1, max: PREKEY_MAX_TTL_MS }),
      (prekeyId, prekey, ahead, ttl) => {
        const f = { ...fields, prekeyId, prekey, createdAt: NOW + ahead, expiresAt: NOW + ttl }
        if (f.expiresAt <= f.createdAt) return
        const bytes = encodePrekeyBundle(bob, f)
        expect(bytes.length).toBeLessThanOrEqual(PREKEY_MAX_BYTES)
        expect(decodePrekeyBundle(bytes, NOW)).toMatchObject({ identityKey: bob.publicKey, ...f })
      }), { numRuns: 20 })
  })
})

describe('prekey bundle rejection', () => {
  const bodyLength = record.length - 64
  // Byte ranges of the fixed-size fields: version 1, then each key after its 1-byte length.
  const fixedFields = [[2, 34], [35, 67], [68, 132], [134, 166]] as const

  it('a flipped byte in the signature', () => {
    for (const i of [bodyLength, bodyLength + 31, bodyLength + 32, record.length - 1]) {
      expectRecordError(() => decodePrekeyBundle(flipByte(record, i), NOW), 'signature', 'signature')
    }
  })

  it('a flipped byte in each key of the body, and in the prekey id', () => {
    expect(record[132]).toBe(7) // prekeyId
    for (const [from, to] of fixedFields) {
      for (const i of [from, to - 1]) expectRecordError(() => decodePrekeyBundle(flipByte(record, i), NOW), 'signature', 'signature')
    }
    expectRecordError(() => decodePrekeyBundle(flipByte(record, 132), NOW), 'signature', 'signature')
  })

  it('property: no single-byte change anywhere decodes', () => {
    fc.assert(fc.property(fc.nat({ max: record.length - 1 }), fc.integer({ min: 1, max: 255 }), (i, x) => {
      const changed = record.slice()
      changed[i]! ^= x
      expect(thrown(() => decodePrekeyBundle(changed, NOW)).name).toBe('InvalidRecordError')
    }), { numRuns: 40 })
  })

  it('a dh identity key not signed by the identity', () => {
    // The record is signed by Bob, but the binding of his X25519 key is broken or someone else's.
    expectRecordError(() => decodePrekeyBundle(craft({ dhIdentitySignature: flipByte(bobDh.signature, 3) }), NOW), 'signature', 'dhIdentitySignature')
    expectRecordError(() => decodePrekeyBundle(craft({ dhIdentityKey: aliceDh.publicKey, dhIdentitySignature: aliceDh.signature }), NOW), 'signature', 'dhIdentitySignature')
    expectRecordError(() => decodePrekeyBundle(craft({ dhIdentityKey: aliceDh.publicKey }), NOW), 'signature', 'dhIdentitySignature')
  })

  it('a record signed by someone else, or for another record type', () => {
    expectRecordError(() => decodePrekeyBundle(craft({}, alice), NOW), 'signature', 'signature')
    expectRecordError(() => decodePrekeyBundle(craft({}, bob, 'murmur/presence/v1'), NOW), 'signature', 'signature')
  })

  it('truncation at every length', () => {
    for (let n = 0; n < record.length; n++) expectRecordError(() => decodePrekeyBundle(record.subarray(0, n), NOW), 'malformed')
  })

  it('more than 1024 bytes, before decoding', () => {
    const big = new Uint8Array(PREKEY_MAX_BYTES + 1)
    big.set(record)
    expectRecordError(() => decodePrekeyBundle(big, NOW), 'oversize', 'record')
    expect(thrown(() => decodePrekeyBundle(big.subarray(0, PREKEY_MAX_BYTES), NOW)).reason).toBe('malformed')
  })

  it('an expired bundle, at and after its expiry', () => {
    expectRecordError(() => decodePrekeyBundle(record, fields.expiresAt), 'expired', 'expiresAt')
    expectRecordError(() => decodePrekeyBundle(record, fields.expiresAt + DAY), 'expired')
    expect(decodePrekeyBundle(record, fields.expiresAt - 1).prekeyId).toBe(7)
  })

  it('a createdAt more than 10 minutes ahead', () => {
    const ahead = craft({ createdAt: NOW + 10 * MINUTE + 1 })
    expectRecordError(() => decodePrekeyBundle(ahead, NOW), 'too-far-future', 'createdAt')
    expect(decodePrekeyBundle(ahead, NOW + 1).prekeyId).toBe(7)
  })

  it('an expiresAt more than 30 days ahead', () => {
    const far = craft({ createdAt: NOW, expiresAt: NOW + PREKEY_MAX_TTL_MS + 1 })
    expectRecordError(() => decodePrekeyBundle(far, NOW), 'too-far-future', 'expiresAt')
    expect(decodePrekeyBundle(far, NOW + 1).prekeyId).toBe(7)
  })

  it('an unknown version, short keys, a 33-bit prekey id, expiry not after creation, trailing bytes', () => {
    expectRecordError(() => decodePrekeyBundle(craft({ version: 2 }), NOW), 'malformed', 'version')
    expectRecordError(() => decodePrekeyBundle(craft({ identityKey: bob.publicKey.subarray(1) }), NOW), 'malformed', 'identityKey')
    expectRecordError(() => decodePrekeyBundle(craft({ dhIdentityKey: new Uint8Array(33) }), NOW), 'malformed', 'dhIdentityKey')
    expectRecordError(() => decodePrekeyBundle(craft({ dhIdentitySignature: new Uint8Array(63) }), NOW), 'malformed', 'dhIdentitySignature')
    expectRecordError(() => decodePrekeyBundle(craft({ prekey: new Uint8Array(31) }), NOW), 'malformed', 'prekey')
    expectRecordError(() => decodePrekeyBundle(craft({ prekeyId: PREKEY_ID_MAX + 1 }), NOW), 'malformed', 'prekeyId')
    expect(decodePrekeyBundle(craft({ prekeyId: PREKEY_ID_MAX }), NOW).prekeyId).toBe(PREKEY_ID_MAX)
    expectRecordError(() => decodePrekeyBundle(craft({ expiresAt: fields.createdAt }), NOW), 'malformed', 'expiresAt')
    const body = record.subarray(0, record.length - 64)
    const trailing = appendSignature(bob, 'murmur/prekey/v1', new Uint8Array([...body, 0]))
    expectRecordError(() => decodePrekeyBundle(trailing, NOW), 'malformed', 'prekey bundle')
  })

  it('a bundle stored under another identity\'s key', () => {
    expectRecordError(() => validatePrekeyRecord(prekeyKey(alice.publicKey), record, NOW), 'wrong-key', 'key')
    expectRecordError(() => validatePrekeyRecord(new TextEncoder().encode(`/murmur-presence/${encodeUserId(bob.publicKey)}`), record, NOW), 'wrong-key')
    expectRecordError(() => validatePrekeyRecord(new Uint8Array(0), record, NOW), 'wrong-key')
  })

  it('property: random bytes fail only with typed errors, and never win the selector', () => {
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), prefixThenNoise(record)), (bytes) => {
      for (const call of [() => decodePrekeyBundle(bytes, NOW), () => validatePrekeyRecord(key, bytes, NOW)]) {
        try {
          call()
        } catch (err) {
          expect(isOurError(err)).toBe(true)
        }
      }
      // prefixThenNoise can return the record itself; then the tie goes to the first.
      expect(selectPrekey(key, [bytes, record], NOW)).toBe(equals(bytes, record) ? 0 : 1)
    }), { numRuns: 40 })
  })
})

describe('encodePrekeyBundle refuses bundles others would reject', () => {
  const bad = (f: Partial<PrekeyBundleFields>): any => thrown(() => encodePrekeyBundle(bob, { ...fields, ...f }))

  it('a dh identity key its identity did not sign', () => {
    expect(bad({ dhIdentitySignature: aliceDh.signature })).toMatchObject({ name: 'InvalidRecordError', reason: 'signature', field: 'dhIdentitySignature' })
    expect(thrown(() => encodePrekeyBundle(alice, fields))).toMatchObject({ reason: 'signature', field: 'dhIdentitySignature' })
  })

  it('wrong lengths, bad numbers, an expiry not after creation or more than 30 days after it', () => {
    expect(bad({ dhIdentityKey: new Uint8Array(31) })).toMatchObject({ reason: 'malformed', field: 'dhIdentityKey' })
    expect(bad({ dhIdentitySignature: new Uint8Array(65) })).toMatchObject({ reason: 'malformed', field: 'dhIdentitySignature' })
    expect(bad({ prekey: new Uint8Array(0) })).toMatchObject({ reason: 'malformed', field: 'prekey' })
    expect(bad({ prekeyId: PREKEY_ID_MAX + 1 })).toMatchObject({ reason: 'malformed', field: 'prekeyId' })
    expect(bad({ prekeyId: -1 })).toMatchObject({ field: 'prekeyId' })
    expect(bad({ createdAt: 1.5 })).toMatchObject({ field: 'createdAt' })
    expect(bad({ expiresAt: fields.createdAt })).toMatchObject({ reason: 'malformed', field: 'expiresAt' })
    expect(bad({ expiresAt: fields.createdAt + PREKEY_MAX_TTL_MS + 1 })).toMatchObject({ reason: 'too-far-future', field: 'expiresAt' })
  })
})

describe('selectPrekey', () => {
  const at = (createdAt: number, prekeyId = 1, identity = bob): Uint8Array => {
    const dhId = identity === bob ? bobDh : aliceDh
    return encodePrekeyBundle(identity, { ...fields, dhIdentityKey: dhId.publicKey, dhIdentitySignature: dhId.signature, createdAt, prekeyId })
  }

  it('picks the newest, then the higher prekey id, then the first', () => {
    expect(selectPrekey(key, [at(NOW - 3 * DAY), at(NOW - DAY), at(NOW - 2 * DAY)], NOW)).toBe(1)
    expect(selectPrekey(key, [at(NOW - DAY, 1), at(NOW - DAY, 5), at(NOW - DAY, 3)], NOW)).toBe(1)
    expect(selectPrekey(key, [at(NOW - DAY, 5), at(NOW - 2 * DAY, 9), at(NOW - DAY, 5)], NOW)).toBe(0)
  })

  it('never lets an invalid record win, however new', () => {
    const newest = at(NOW)
    const forged = flipByte(newest, newest.length - 1)
    const future = craft({ createdAt: NOW + 11 * MINUTE, expiresAt: NOW + DAY })
    const expired = craft({ createdAt: NOW - 3 * DAY, expiresAt: NOW })
    const foreign = at(NOW, 9, alice)
    const badBinding = craft({ createdAt: NOW, dhIdentitySignature: aliceDh.signature })
    expect(selectPrekey(key, [forged, future, expired, foreign, badBinding, at(NOW - 2 * DAY)], NOW)).toBe(5)
  })

  it('returns 0 when none is valid, or there are none', () => {
    expect(selectPrekey(key, [new Uint8Array(3), at(NOW, 1, alice)], NOW)).toBe(0)
    expect(selectPrekey(key, [], NOW)).toBe(0)
  })
})
