import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Writer } from '../../../src/core/codec.ts'
import { decodeEnvelope, encodeEnvelope, SEALED_PAYLOAD_MAX_BYTES, type DmEnvelopeFields } from '../../../src/core/envelope.ts'
import { MAX_FRAME_BYTES } from '../../../src/core/frame.ts'
import { appendSignature } from '../../../src/core/signed-record.ts'
import { fixedIdentity, flipByte, isTypedError, prefixThenNoise, thrown } from './support.ts'

const alice = fixedIdentity(1)
const bob = fixedIdentity(2)
const carol = fixedIdentity(3)
const SENT = Date.UTC(2025, 0, 1)
const ID = new Uint8Array(16).fill(0xab)
const PEER = '12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp'

const hello: DmEnvelopeFields = { kind: 'hello', to: bob.publicKey, id: ID, sentAt: SENT, name: 'Alice', peerId: PEER }
const sealed: DmEnvelopeFields = { kind: 'sealed', to: bob.publicKey, payload: new Uint8Array([9, 8, 7, 6, 5]) }

function expectEnvelopeError (fn: () => unknown, reason: string, field?: string): void {
  const err = thrown(fn)
  expect(err.name).toBe('InvalidEnvelopeError')
  expect(err.reason).toBe(reason)
  if (field !== undefined) expect(err.field).toBe(field)
}

/** A correctly signed hello written by hand, to test one bad field at a time. */
function craftHello (write: (w: Writer) => void, signer = alice): Uint8Array {
  const w = new Writer()
  write(w)
  return appendSignature(signer, 'murmur/dm/v1', w.finish())
}
const helloHead = (w: Writer): Writer => w.u8(1).u8(1).bytes(alice.publicKey).bytes(bob.publicKey).bytes(ID).uvarint(SENT)

describe('envelope round trip', () => {
  it.for([hello, sealed])('$kind decodes to what was encoded, from the writer', (fields) => {
    const frame = encodeEnvelope(alice, fields)
    expect(decodeEnvelope(frame, { self: bob.publicKey })).toEqual({ ...fields, from: alice.publicKey })
    expect(decodeEnvelope(frame)).toEqual({ ...fields, from: alice.publicKey })
  })

  it('property: any sealed payload up to the cap round-trips', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 3000 }), (payload) => {
      const frame = encodeEnvelope(alice, { kind: 'sealed', to: bob.publicKey, payload })
      expect(decodeEnvelope(frame, { self: bob.publicKey })).toEqual({ kind: 'sealed', from: alice.publicKey, to: bob.publicKey, payload })
    }), { numRuns: 50 })
    const largest = encodeEnvelope(alice, { kind: 'sealed', to: bob.publicKey, payload: new Uint8Array(SEALED_PAYLOAD_MAX_BYTES) })
    expect(largest.length).toBeLessThanOrEqual(MAX_FRAME_BYTES)
  })
})

describe('hello rejection', () => {
  const frame = encodeEnvelope(alice, hello)

  it('a flipped byte in the signature or the body', () => {
    for (const i of [frame.length - 64, frame.length - 1]) expectEnvelopeError(() => decodeEnvelope(flipByte(frame, i)), 'signature', 'signature')
    // version, kind, from (1 + 32), to (1 + 32), id (1 + 16): the next byte starts sentAt.
    expectEnvelopeError(() => decodeEnvelope(flipByte(frame, 2 + 33 + 33 + 17)), 'signature')
  })

  it('property: no single-byte change anywhere decodes to the same hello', () => {
    fc.assert(fc.property(fc.nat({ max: 10_000 }), fc.integer({ min: 1, max: 255 }), (at, x) => {
      const changed = frame.slice()
      changed[at % frame.length]! ^= x
      expect(thrown(() => decodeEnvelope(changed)).name).toBe('InvalidEnvelopeError')
    }))
  })

  it('truncation at every length', () => {
    for (let n = 0; n < frame.length; n++) expectEnvelopeError(() => decodeEnvelope(frame.subarray(0, n)), 'malformed')
  })

  it('a hello for someone else, or signed by someone else', () => {
    expectEnvelopeError(() => decodeEnvelope(frame, { self: carol.publicKey }), 'not-for-me', 'to')
    expectEnvelopeError(() => decodeEnvelope(craftHello((w) => helloHead(w).string('Alice').string(PEER), carol)), 'signature')
  })

  it('an unknown version or kind (the retired plaintext kinds 2 and 3 included), wrong lengths, trailing bytes', () => {
    expectEnvelopeError(() => decodeEnvelope(craftHello((w) => w.u8(2).u8(1).bytes(alice.publicKey).bytes(bob.publicKey))), 'malformed', 'version')
    for (const kind of [0, 2, 3, 5, 255]) {
      expectEnvelopeError(() => decodeEnvelope(craftHello((w) => w.u8(1).u8(kind).bytes(alice.publicKey).bytes(bob.publicKey).bytes(ID).uvarint(SENT).string('A').string('hi'))), 'malformed', 'kind')
    }
    expectEnvelopeError(() => decodeEnvelope(craftHello((w) => w.u8(1).u8(1).bytes(alice.publicKey.subarray(0, 31)))), 'malformed', 'from')
    expectEnvelopeError(() => decodeEnvelope(craftHello((w) => w.u8(1).u8(1).bytes(alice.publicKey).bytes(new Uint8Array(33)))), 'malformed', 'to')
    expectEnvelopeError(() => decodeEnvelope(craftHello((w) => w.u8(1).u8(1).bytes(alice.publicKey).bytes(bob.publicKey).bytes(new Uint8Array(15)))), 'malformed', 'id')
    expectEnvelopeError(() => decodeEnvelope(craftHello((w) => helloHead(w).string('A').string(PEER).u8(0))), 'malformed', 'envelope')
  })

  it('names that are empty, too long or hold control characters, and an empty peer id', () => {
    for (const name of ['', '  ', 'n'.repeat(65), 'a\u0000b', 'a\u2066b']) {
      expectEnvelopeError(() => decodeEnvelope(craftHello((w) => helloHead(w).string(name).string(PEER))), 'malformed', 'name')
    }
    expectEnvelopeError(() => decodeEnvelope(craftHello((w) => helloHead(w).string('A').string(''))), 'malformed', 'peerId')
  })
})

describe('sealed rejection', () => {
  const frame = encodeEnvelope(alice, sealed)

  it('truncation at every length, trailing bytes, an empty payload, someone else as receiver', () => {
    for (let n = 0; n < frame.length; n++) expectEnvelopeError(() => decodeEnvelope(frame.subarray(0, n)), 'malformed')
    const trailing = new Uint8Array(frame.length + 1)
    trailing.set(frame)
    expectEnvelopeError(() => decodeEnvelope(trailing), 'malformed', 'envelope')
    const empty = new Writer().u8(1).u8(4).bytes(alice.publicKey).bytes(bob.publicKey).bytes(new Uint8Array(0)).finish()
    expectEnvelopeError(() => decodeEnvelope(empty), 'malformed', 'payload')
    expectEnvelopeError(() => decodeEnvelope(frame, { self: carol.publicKey }), 'not-for-me', 'to')
  })

  it('a frame over the 64 KiB cap, before decoding', () => {
    const big = new Uint8Array(MAX_FRAME_BYTES + 1)
    big.set(frame)
    expectEnvelopeError(() => decodeEnvelope(big), 'oversize', 'frame')
  })

  it('property: random bytes fail only with typed errors', () => {
    const frames = [encodeEnvelope(alice, hello), frame]
    const anyFrame = fc.constantFrom(...frames).chain((f) => prefixThenNoise(f))
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), anyFrame), (bytes) => {
      try {
        decodeEnvelope(bytes, { self: bob.publicKey })
      } catch (err) {
        expect(isTypedError(err)).toBe(true)
      }
    }))
  })
})

describe('encodeEnvelope refuses what a receiver would refuse', () => {
  const bad = (fields: Record<string, unknown>): any => thrown(() => encodeEnvelope(alice, fields as DmEnvelopeFields))

  it('wrong lengths, bad times, names, peer ids and payloads, unknown kinds', () => {
    expect(bad({ ...hello, to: new Uint8Array(31) })).toMatchObject({ name: 'InvalidEnvelopeError', reason: 'malformed', field: 'to' })
    expect(bad({ ...hello, id: new Uint8Array(8) })).toMatchObject({ field: 'id' })
    expect(bad({ ...hello, sentAt: -1 })).toMatchObject({ field: 'sentAt' })
    expect(bad({ ...hello, name: '' })).toMatchObject({ field: 'name' })
    expect(bad({ ...hello, peerId: '' })).toMatchObject({ field: 'peerId' })
    expect(bad({ ...sealed, payload: new Uint8Array(0) })).toMatchObject({ field: 'payload' })
    expect(bad({ ...sealed, payload: new Uint8Array(SEALED_PAYLOAD_MAX_BYTES + 1) })).toMatchObject({ field: 'payload' })
    expect(bad({ ...hello, kind: 'message' })).toMatchObject({ field: 'kind' })
  })
})
