import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Writer } from '../../../src/core/codec.ts'
import {
  decodeEnvelope,
  encodeEnvelope,
  messageIdFromString,
  messageIdToString,
  newMessageId,
  type DmEnvelopeFields
} from '../../../src/core/envelope.ts'
import { MAX_FRAME_BYTES } from '../../../src/core/frame.ts'
import { appendSignature } from '../../../src/core/signed-record.ts'
import { fixedIdentity, flipByte, isTypedError, prefixThenNoise, thrown } from './support.ts'

const alice = fixedIdentity(1)
const bob = fixedIdentity(2)
const carol = fixedIdentity(3)
const SENT = Date.UTC(2025, 0, 1)
const ID = new Uint8Array(16).fill(0xab)
const OTHER_ID = new Uint8Array(16).fill(0xcd)
const PEER = '12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp'

const samples: DmEnvelopeFields[] = [
  { kind: 'hello', to: bob.publicKey, id: ID, sentAt: SENT, name: 'Alice', peerId: PEER },
  { kind: 'message', to: bob.publicKey, id: ID, sentAt: SENT, name: 'Alice', text: 'Hi Bob!\nHow are you? 👋' },
  { kind: 'receipt', to: bob.publicKey, id: ID, sentAt: SENT, receiptFor: OTHER_ID }
]

function expectEnvelopeError (fn: () => unknown, reason: string, field?: string): void {
  const err = thrown(fn)
  expect(err.name).toBe('InvalidEnvelopeError')
  expect(err.reason).toBe(reason)
  if (field !== undefined) expect(err.field).toBe(field)
}

/** A correctly signed envelope written by hand, to test one bad field at a time. */
function craft (write: (w: Writer) => void, signer = alice): Uint8Array {
  const w = new Writer()
  write(w)
  return appendSignature(signer, 'murmur/dm/v1', w.finish())
}
const head = (w: Writer, kind = 2): Writer =>
  w.u8(1).u8(kind).bytes(alice.publicKey).bytes(bob.publicKey).bytes(ID).uvarint(SENT)
const messageWith = (name: string | Uint8Array, text: string | Uint8Array): Uint8Array => craft((w) => {
  head(w)
  if (typeof name === 'string') w.string(name)
  else w.bytes(name)
  if (typeof text === 'string') w.string(text)
  else w.bytes(text)
})

describe('envelope round trip', () => {
  it.for(samples)('$kind decodes to what was encoded, from the signer', (fields) => {
    const frame = encodeEnvelope(alice, fields)
    expect(decodeEnvelope(frame, { self: bob.publicKey })).toEqual({ ...fields, from: alice.publicKey })
    expect(decodeEnvelope(frame)).toEqual({ ...fields, from: alice.publicKey })
  })

  it('the hand-crafted body matches the real encoding', () => {
    expect(messageWith('Alice', 'Hi Bob!\nHow are you? 👋')).toEqual(encodeEnvelope(alice, samples[1]!))
  })

  it('trims the name but keeps the text as written', () => {
    const frame = encodeEnvelope(alice, { ...samples[1]!, name: ' Alice ', text: '  spaced  ' } as DmEnvelopeFields)
    expect(decodeEnvelope(frame)).toMatchObject({ name: 'Alice', text: '  spaced  ' })
  })

  it('property: decode(encode(x)) = x for any valid fields', () => {
    const name = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 })
      .map((s) => s.trim())
      .filter((s) => s.length >= 1 && s.length <= 64 && !/[\p{Cc}\u202A-\u202E\u2066-\u2069]/u.test(s))
    const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 300 })
      .filter((s) => s.length <= 4000 && s.trim().length > 0)
    const common = {
      to: fc.uint8Array({ minLength: 32, maxLength: 32 }),
      id: fc.uint8Array({ minLength: 16, maxLength: 16 }),
      sentAt: fc.maxSafeNat()
    }
    const fields: fc.Arbitrary<DmEnvelopeFields> = fc.oneof(
      fc.record({ kind: fc.constant('hello' as const), ...common, name, peerId: fc.string({ minLength: 1, maxLength: 100 }) }),
      fc.record({ kind: fc.constant('message' as const), ...common, name, text }),
      fc.record({ kind: fc.constant('receipt' as const), ...common, receiptFor: fc.uint8Array({ minLength: 16, maxLength: 16 }) })
    )
    fc.assert(fc.property(fields, (f) => {
      expect(decodeEnvelope(encodeEnvelope(alice, f), { self: f.to })).toEqual({ ...f, from: alice.publicKey })
    }), { numRuns: 40 })
  })
})

describe('envelope rejection', () => {
  const frames = samples.map((f) => encodeEnvelope(alice, f))

  it('a flipped byte in the signature', () => {
    for (const frame of frames) {
      for (const i of [frame.length - 64, frame.length - 1]) expectEnvelopeError(() => decodeEnvelope(flipByte(frame, i)), 'signature', 'signature')
    }
  })

  it('a flipped byte in the body: the sent time, or the text', () => {
    const message = frames[1]!
    // version, kind, from (1 + 32), to (1 + 32), id (1 + 16): the next byte starts sentAt.
    expectEnvelopeError(() => decodeEnvelope(flipByte(message, 2 + 33 + 33 + 17)), 'signature')
    expectEnvelopeError(() => decodeEnvelope(flipByte(message, message.length - 64 - 3)), 'signature')
  })

  it('property: no single-byte change anywhere decodes', () => {
    fc.assert(fc.property(fc.constantFrom(...frames), fc.nat({ max: 10_000 }), fc.integer({ min: 1, max: 255 }), (frame, at, x) => {
      const changed = frame.slice()
      changed[at % frame.length]! ^= x
      expect(thrown(() => decodeEnvelope(changed)).name).toBe('InvalidEnvelopeError')
    }))
  })

  it('truncation at every length', () => {
    for (const frame of frames) {
      for (let n = 0; n < frame.length; n++) expectEnvelopeError(() => decodeEnvelope(frame.subarray(0, n)), 'malformed')
    }
  })

  it('a frame over the 64 KiB cap, before decoding', () => {
    const big = new Uint8Array(MAX_FRAME_BYTES + 1)
    big.set(frames[1]!)
    expectEnvelopeError(() => decodeEnvelope(big), 'oversize', 'frame')
  })

  it('an envelope for someone else', () => {
    for (const frame of frames) expectEnvelopeError(() => decodeEnvelope(frame, { self: carol.publicKey }), 'not-for-me', 'to')
  })

  it('a sender who did not sign it', () => {
    // Carol signs a body that claims to be from Alice.
    const w = new Writer()
    head(w).string('Alice').string('hi')
    expectEnvelopeError(() => decodeEnvelope(appendSignature(carol, 'murmur/dm/v1', w.finish())), 'signature')
  })

  it('an unknown version or kind, keys and ids of the wrong length, trailing bytes', () => {
    expectEnvelopeError(() => decodeEnvelope(craft((w) => w.u8(2).u8(2).bytes(alice.publicKey).bytes(bob.publicKey).bytes(ID).uvarint(SENT).string('A').string('hi'))), 'malformed', 'version')
    for (const kind of [0, 4, 255]) {
      expectEnvelopeError(() => decodeEnvelope(craft((w) => head(w, kind).string('A').string('hi'))), 'malformed', 'kind')
    }
    expectEnvelopeError(() => decodeEnvelope(craft((w) => w.u8(1).u8(2).bytes(alice.publicKey.subarray(0, 31)))), 'malformed', 'from')
    expectEnvelopeError(() => decodeEnvelope(craft((w) => w.u8(1).u8(2).bytes(alice.publicKey).bytes(new Uint8Array(33)))), 'malformed', 'to')
    expectEnvelopeError(() => decodeEnvelope(craft((w) => w.u8(1).u8(2).bytes(alice.publicKey).bytes(bob.publicKey).bytes(new Uint8Array(15)))), 'malformed', 'id')
    expectEnvelopeError(() => decodeEnvelope(craft((w) => head(w, 3).bytes(new Uint8Array(17)))), 'malformed', 'receiptFor')
    expectEnvelopeError(() => decodeEnvelope(craft((w) => head(w).string('A').string('hi').u8(0))), 'malformed', 'envelope')
  })

  it('text that is empty, blank, over 4000 characters, or not UTF-8', () => {
    expect(decodeEnvelope(messageWith('A', 'x'.repeat(4000))).kind).toBe('message')
    // 4000 characters of 3 UTF-8 bytes each fit the byte cap too.
    expect(decodeEnvelope(messageWith('A', '€'.repeat(4000))).kind).toBe('message')
    for (const text of ['', ' \n\t ', 'x'.repeat(4001)]) expectEnvelopeError(() => decodeEnvelope(messageWith('A', text)), 'malformed', 'text')
    expectEnvelopeError(() => decodeEnvelope(messageWith('A', new Uint8Array([0x68, 0x80]))), 'malformed', 'text')
  })

  it('names that are empty, too long, or hold control characters', () => {
    expect(decodeEnvelope(messageWith('n'.repeat(64), 'hi'))).toMatchObject({ name: 'n'.repeat(64) })
    for (const name of ['', '  ', 'n'.repeat(65), 'a\u0000b', 'a\u2066b']) expectEnvelopeError(() => decodeEnvelope(messageWith(name, 'hi')), 'malformed', 'name')
  })

  it('a hello with an empty peer id', () => {
    expectEnvelopeError(() => decodeEnvelope(craft((w) => head(w, 1).string('A').string(''))), 'malformed', 'peerId')
  })

  it('property: random bytes fail only with typed errors', () => {
    const anyFrame = fc.constantFrom(...frames).chain((frame) => prefixThenNoise(frame))
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
  const bad = (change: Record<string, unknown>, kind = 1): any =>
    thrown(() => encodeEnvelope(alice, { ...samples[kind]!, ...change } as DmEnvelopeFields))

  it('wrong lengths, bad times, bad names and texts, unknown kinds', () => {
    expect(bad({ to: new Uint8Array(31) })).toMatchObject({ name: 'InvalidEnvelopeError', reason: 'malformed', field: 'to' })
    expect(bad({ id: new Uint8Array(8) })).toMatchObject({ field: 'id' })
    expect(bad({ sentAt: -1 })).toMatchObject({ field: 'sentAt' })
    expect(bad({ name: '' })).toMatchObject({ field: 'name' })
    expect(bad({ text: '   ' })).toMatchObject({ field: 'text' })
    expect(bad({ text: 'x'.repeat(4001) })).toMatchObject({ field: 'text' })
    expect(bad({ text: 'lone \uD800 surrogate' })).toMatchObject({ field: 'text' })
    expect(bad({ peerId: '' }, 0)).toMatchObject({ field: 'peerId' })
    expect(bad({ receiptFor: new Uint8Array(15) }, 2)).toMatchObject({ field: 'receiptFor' })
    expect(bad({ kind: 'toString' })).toMatchObject({ field: 'kind' })
  })
})

describe('message ids', () => {
  it('are 16 bytes from the random source', () => {
    expect(newMessageId(() => new Uint8Array(16).fill(7))).toEqual(new Uint8Array(16).fill(7))
    expect(newMessageId()).toHaveLength(16)
    expect(newMessageId()).not.toEqual(newMessageId())
    expect(() => newMessageId(() => new Uint8Array(8))).toThrow(TypeError)
  })

  it('print as lowercase hex and read back', () => {
    const id = Uint8Array.from({ length: 16 }, (_, i) => i * 17)
    expect(messageIdToString(id)).toBe('00112233445566778899aabbccddeeff')
    expect(messageIdFromString('00112233445566778899aabbccddeeff')).toEqual(id)
    expect(thrown(() => messageIdFromString('0011'))).toMatchObject({ name: 'DecodeError', field: 'messageId' })
  })
})

