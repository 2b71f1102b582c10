import { describe, expect, it } from 'vitest'
import { createIdentity } from '../../../../src/core/identity.ts'
import { decodeEnvelope, encodeEnvelope } from '../../../../src/core/envelope.ts'
import { decodeChatPayload, encodeChatPayload } from '../../../../src/core/chat-payload.ts'
import { newMessageId } from '../../../../src/core/message-id.ts'
import { createDhIdentity, createSignedPrekey, emptyReplayCache } from '../../../../src/core/x3dh/index.ts'
import { decryptFromContact, encryptForContact, type OwnSessionKeys } from '../../../../src/core/session/index.ts'

// Envelopes as they arrive off the wire: valid ones mutated in every way, and random bytes.
// Decoding is cheap, so 100k go through the envelope and payload decoders; the expensive
// part, the session (X3DH and ratchet header trials), takes a thousand of them here, and
// the ratchet's own fuzz (test/unit/core/ratchet/fuzz.test.ts) takes 100k more. Signed
// hellos cost a signature check each; their decoder has its own properties in envelope.test.ts.
const DECODER_CASES = 100_000
const SESSION_CASES = 1_000
const TYPED = new Set(['InvalidEnvelopeError', 'SessionError', 'DecryptError', 'InvalidInitialMessageError', 'X3dhError'])

function rng (seed: number): () => number {
  let s = seed >>> 0
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32 }
}

function mutate (bytes: Uint8Array, random: () => number): Uint8Array {
  const pick = (n: number): number => Math.floor(random() * n)
  switch (pick(6)) {
    case 0: { const c = bytes.slice(); c[pick(c.length)]! ^= 1 + pick(255); return c }
    case 1: return bytes.subarray(0, pick(bytes.length))
    case 2: { const c = new Uint8Array(bytes.length + 1 + pick(64)); c.set(bytes); return c }
    case 3: { const c = bytes.slice(); const at = pick(c.length); c.fill(pick(256), at, at + 1 + pick(16)); return c }
    case 4: return Uint8Array.from({ length: pick(600) }, () => pick(256))
    default: { const c = bytes.slice(); for (let i = 0; i < 1 + pick(8); i++) c[pick(c.length)] = pick(256); return c }
  }
}

describe('fuzz: envelopes off the wire', () => {
  const ann = createIdentity()
  const bobIdentity = createIdentity()
  const bobDh = createDhIdentity(bobIdentity)
  const prekey = createSignedPrekey(bobIdentity, bobDh, 1, Date.now())
  const annKeys: OwnSessionKeys = { identity: ann, dh: createDhIdentity(ann), prekeys: new Map() }
  const bobKeys: OwnSessionKeys = { identity: bobIdentity, dh: bobDh, prekeys: new Map([[1, prekey.secretKey]]) }
  const chat = encodeChatPayload({ kind: 'message', id: newMessageId(), sentAt: 1, name: 'Ann', text: 'hello' })
  const first = encryptForContact(undefined, prekey.bundle, annKeys, chat)
  const second = encryptForContact(first.sessions, undefined, annKeys, chat)
  const valid = [
    encodeEnvelope(ann, { kind: 'sealed', to: bobIdentity.publicKey, payload: first.payload }),
    encodeEnvelope(ann, { kind: 'sealed', to: bobIdentity.publicKey, payload: second.payload })
  ]
  const opened = decryptFromContact(undefined, ann.publicKey, bobKeys, emptyReplayCache(), first.payload)

  it(`${DECODER_CASES} mutated and random envelopes: decoders refuse with typed errors only`, () => {
    const random = rng(20261125)
    let refused = 0
    for (let i = 0; i < DECODER_CASES; i++) {
      const frame = mutate(valid[i % valid.length]!, random)
      try {
        const envelope = decodeEnvelope(frame, { self: bobIdentity.publicKey })
        if (envelope.kind === 'sealed') decodeChatPayload(envelope.payload.subarray(1))
      } catch (err: any) {
        refused++
        if (!TYPED.has(err?.name)) throw new Error(`case ${i}: untyped ${err?.name}: ${err?.message}`)
      }
    }
    expect(refused).toBeGreaterThan(DECODER_CASES / 2)
  }, 60_000)

  it(`${SESSION_CASES} mutated sealed payloads through the session: refused, typed, and the sessions never change`, () => {
    const random = rng(7)
    const before = JSON.stringify(opened.sessions, (_k, v) => v instanceof Uint8Array ? Array.from(v) : v)
    let read = 0
    for (let i = 0; i < SESSION_CASES; i++) {
      const payload = mutate(i % 2 === 0 ? first.payload : second.payload, random)
      try {
        decryptFromContact(opened.sessions, ann.publicKey, bobKeys, opened.replayCache, payload)
        read++
      } catch (err: any) {
        if (!TYPED.has(err?.name)) throw new Error(`case ${i}: untyped ${err?.name}: ${err?.message}`)
      }
    }
    expect(JSON.stringify(opened.sessions, (_k, v) => v instanceof Uint8Array ? Array.from(v) : v)).toBe(before)
    // Only an unchanged copy of the second message can be read (some mutations leave it whole).
    expect(read).toBeLessThan(SESSION_CASES / 20)
  }, 120_000)
})
