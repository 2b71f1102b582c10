import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Writer } from '../../../../src/core/codec.ts'
import { createDhIdentity } from '../../../../src/core/x3dh/dh-identity.ts'
import {
  decodeInitialMessage,
  encodeInitialMessage,
  INITIAL_MESSAGE_MAX_BYTES,
  RATCHET_MESSAGE_MAX_BYTES,
  type InitialMessageFields
} from '../../../../src/core/x3dh/initial-message.ts'
import { PREKEY_ID_MAX } from '../../../../src/core/x3dh/prekey.ts'
import { fixedIdentity, fixedRandom, flipByte, isOurError, prefixThenNoise, thrown } from './support.ts'

const alice = fixedIdentity(1)
const carol = fixedIdentity(3)
const aliceDh = createDhIdentity(alice, fixedRandom(11))
const carolDh = createDhIdentity(carol, fixedRandom(13))
const fields: InitialMessageFields = {
  identityKey: alice.publicKey,
  dhIdentityKey: aliceDh.publicKey,
  dhIdentitySignature: aliceDh.signature,
  ephemeralPublic: new Uint8Array(32).fill(0x55),
  prekeyId: 300,
  ratchetMessage: new Uint8Array([1, 2, 3, 4, 5])
}
const bytes = encodeInitialMessage(fields)

function expectMessageError (fn: () => unknown, reason: string, field?: string): void {
  const err = thrown(fn)
  expect(err.name).toBe('InvalidInitialMessageError')
  expect(err.reason).toBe(reason)
  if (field !== undefined) expect(err.field).toBe(field)
}

type Body = InitialMessageFields & { version: number }
function craft (change: Partial<Body>): Uint8Array {
  const m: Body = { version: 1, ...fields, ...change }
  return new Writer().u8(m.version).bytes(m.identityKey).bytes(m.dhIdentityKey).bytes(m.dhIdentitySignature)
    .bytes(m.ephemeralPublic).uvarint(m.prekeyId).bytes(m.ratchetMessage).finish()
}

describe('initial message round trip', () => {
  it('decodes what it encodes, as version 1', () => {
    expect(decodeInitialMessage(bytes)).toEqual({ version: 1, ...fields })
    expect(craft({})).toEqual(bytes)
  })

  it('the largest message fits the cap exactly, and inside a 64 KiB frame', () => {
    const largest = encodeInitialMessage({ ...fields, prekeyId: PREKEY_ID_MAX, ratchetMessage: new Uint8Array(RATCHET_MESSAGE_MAX_BYTES) })
    expect(largest.length).toBe(INITIAL_MESSAGE_MAX_BYTES)
    expect(INITIAL_MESSAGE_MAX_BYTES).toBeLessThan(64 * 1024)
    expect(decodeInitialMessage(largest).ratchetMessage.length).toBe(RATCHET_MESSAGE_MAX_BYTES)
  })

  it('property: decode(encode(x)) = x', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: PREKEY_ID_MAX }), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 200 }),
      (prekeyId, ephemeralPublic, ratchetMessage) => {
        const f = { ...fields, prekeyId, ephemeralPublic, ratchetMessage }
        expect(decodeInitialMessage(encodeInitialMessage(f))).toEqual({ version: 1, ...f })
      }), { numRuns: 20 })
  })
})

describe('initial message rejection', () => {
  it('truncation at every length', () => {
    for (let n = 0; n < bytes.length; n++) expectMessageError(() => decodeInitialMessage(bytes.subarray(0, n)), 'malformed')
  })

  it('over the cap, before decoding', () => {
    expectMessageError(() => decodeInitialMessage(new Uint8Array(INITIAL_MESSAGE_MAX_BYTES + 1)), 'oversize', 'message')
    expectMessageError(() => decodeInitialMessage(new Uint8Array(INITIAL_MESSAGE_MAX_BYTES)), 'malformed', 'version')
  })

  it('a ratchet message over 60 KiB, even when the whole still fits the cap', () => {
    const long = craft({ ratchetMessage: new Uint8Array(RATCHET_MESSAGE_MAX_BYTES + 1) })
    expect(long.length).toBeLessThanOrEqual(INITIAL_MESSAGE_MAX_BYTES)
    expectMessageError(() => decodeInitialMessage(long), 'malformed', 'ratchetMessage')
    expectMessageError(() => encodeInitialMessage({ ...fields, ratchetMessage: new Uint8Array(RATCHET_MESSAGE_MAX_BYTES + 1) }), 'oversize', 'ratchetMessage')
  })

  it('an X25519 identity key not signed by the identity key', () => {
    expectMessageError(() => decodeInitialMessage(craft({ dhIdentityKey: carolDh.publicKey, dhIdentitySignature: carolDh.signature })), 'signature', 'dhIdentitySignature')
    expectMessageError(() => decodeInitialMessage(craft({ identityKey: carol.publicKey })), 'signature', 'dhIdentitySignature')
    expectMessageError(() => decodeInitialMessage(craft({ dhIdentitySignature: flipByte(aliceDh.signature, 63) })), 'signature', 'dhIdentitySignature')
  })

  it('an unknown version, keys of the wrong length, a 33-bit prekey id, trailing bytes', () => {
    expectMessageError(() => decodeInitialMessage(craft({ version: 2 })), 'malformed', 'version')
    expectMessageError(() => decodeInitialMessage(craft({ identityKey: new Uint8Array(31) })), 'malformed', 'identityKey')
    expectMessageError(() => decodeInitialMessage(craft({ dhIdentityKey: new Uint8Array(33) })), 'malformed', 'dhIdentityKey')
    expectMessageError(() => decodeInitialMessage(craft({ dhIdentitySignature: new Uint8Array(32) })), 'malformed', 'dhIdentitySignature')
    expectMessageError(() => decodeInitialMessage(craft({ ephemeralPublic: new Uint8Array(0) })), 'malformed', 'ephemeralPublic')
    expectMessageError(() => decodeInitialMessage(craft({ prekeyId: PREKEY_ID_MAX + 1 })), 'malformed', 'prekeyId')
    expectMessageError(() => decodeInitialMessage(new Uint8Array([...bytes, 0])), 'malformed', 'initial message')
  })

  it('encode refuses fields the decoder would refuse, naming the field', () => {
    const bad = (f: Partial<InitialMessageFields>): any => thrown(() => encodeInitialMessage({ ...fields, ...f }))
    expect(bad({ identityKey: new Uint8Array(31) })).toMatchObject({ reason: 'malformed', field: 'identityKey' })
    expect(bad({ dhIdentityKey: new Uint8Array(31) })).toMatchObject({ field: 'dhIdentityKey' })
    expect(bad({ dhIdentitySignature: new Uint8Array(31) })).toMatchObject({ field: 'dhIdentitySignature' })
    expect(bad({ ephemeralPublic: new Uint8Array(31) })).toMatchObject({ field: 'ephemeralPublic' })
    expect(bad({ prekeyId: PREKEY_ID_MAX + 1 })).toMatchObject({ field: 'prekeyId' })
    expect(bad({ ratchetMessage: 'hi' as any })).toMatchObject({ field: 'ratchetMessage' })
  })

  it('property: random bytes fail only with typed errors', () => {
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), prefixThenNoise(bytes)), (input) => {
      try {
        decodeInitialMessage(input)
      } catch (err) {
        expect(isOurError(err)).toBe(true)
      }
    }), { numRuns: 60 })
  })
})
