import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { utf8 } from '../../../../src/core/codec.ts'
import { hmacSha256 } from '../../../../src/crypto/index.ts'
import {
  createSenderKey,
  decryptGroupMessage,
  encryptGroupMessage,
  groupMessageSigningKey,
  MAX_GROUP_PLAINTEXT_BYTES,
  MAX_ITERATION,
  MAX_SKIP,
  MAX_STORED_SKIPPED,
  receiveSenderKeyDistribution,
  senderKeyDistribution,
  verifyGroupMessage,
  type SenderKey,
  type SenderKeyReceiver
} from '../../../../src/core/group/index.ts'
import { flipByte } from '../support.ts'

const AD = utf8('group header')
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes)

/** A fixed sender key: tests never depend on luck. */
const fixedSenderKey = (seed: number): SenderKey => createSenderKey((n) => new Uint8Array(n).fill(seed))

/** Sends `count` messages; returns them and the sender key after. */
function sendMany (senderKey: SenderKey, count: number, label = 'm'): { senderKey: SenderKey, messages: Uint8Array[] } {
  const messages: Uint8Array[] = []
  for (let i = 0; i < count; i++) {
    const out = encryptGroupMessage(senderKey, utf8(`${label}${i}`), AD)
    senderKey = out.senderKey
    messages.push(out.message)
  }
  return { senderKey, messages }
}

// The chain as specified (message key = HMAC(ck, 0x01), ck' = HMAC(ck, 0x02)), written out
// here to move a sender key on without signing thousands of messages.
function advance (senderKey: SenderKey, steps: number): SenderKey {
  let chainKey = senderKey.chainKey
  for (let i = 0; i < steps; i++) chainKey = hmacSha256(chainKey, Uint8Array.of(0x02))
  return { ...senderKey, chainKey, iteration: senderKey.iteration + steps }
}

/** Runs `fn`, which must throw a GroupDecryptError with `reason`, and checks `state` is the same after. */
function expectRefused (state: SenderKeyReceiver, fn: () => unknown, reason?: string): void {
  const before = structuredClone(state)
  let err: any
  try {
    fn()
  } catch (e) {
    err = e
  }
  expect(err, 'expected a GroupDecryptError').toBeDefined()
  expect(err.name).toBe('GroupDecryptError')
  if (reason !== undefined) expect(err.reason).toBe(reason)
  expect(state).toEqual(before)
}

function receive (state: SenderKeyReceiver, message: Uint8Array, ad = AD): { state: SenderKeyReceiver, text: string } {
  const out = decryptGroupMessage(state, message, ad)
  return { state: out.receiverState, text: text(out.plaintext) }
}

// Signatures are slow on a loaded machine: room beyond the 5 s default.
describe('sender keys', { timeout: 60_000 }, () => {
  it('round trip: every member with the distribution reads every message, in order', () => {
    const alice = fixedSenderKey(1)
    let bob = receiveSenderKeyDistribution(senderKeyDistribution(alice))
    let carol = receiveSenderKeyDistribution(senderKeyDistribution(alice))
    const { messages } = sendMany(alice, 3)
    messages.forEach((m, i) => {
      const b = receive(bob, m)
      const c = receive(carol, m)
      expect([b.text, c.text]).toEqual([`m${i}`, `m${i}`])
      bob = b.state
      carol = c.state
    })
    expect(bob.iteration).toBe(3)
    expect(bob.skipped).toEqual([])
    expect(groupMessageSigningKey(messages[0]!)).toEqual(alice.signing.publicKey)
  })

  it('follows the specified chain: message key from HMAC(ck, 0x01), next chain key HMAC(ck, 0x02)', () => {
    const alice = fixedSenderKey(1)
    expect(encryptGroupMessage(alice, utf8('x'), AD).senderKey).toEqual(advance(alice, 1))
    // A receiver whose chain was moved on by `advance` reads what the real chain sent at that iteration.
    const { messages } = sendMany(alice, 5)
    const later = receiveSenderKeyDistribution(senderKeyDistribution(advance(alice, 4)))
    expect(receive(later, messages[4]!).text).toBe('m4')
  })

  it('reads messages in any order within MAX_SKIP, each once', () => {
    const alice = fixedSenderKey(2)
    const { messages } = sendMany(alice, 10)
    const start = receiveSenderKeyDistribution(senderKeyDistribution(alice))
    fc.assert(fc.property(fc.shuffledSubarray(messages.map((m, i) => [m, i] as const), { minLength: messages.length }), (order) => {
      let state = start
      for (const [m, i] of order) {
        const out = receive(state, m)
        expect(out.text).toBe(`m${i}`)
        state = out.state
        expectRefused(state, () => decryptGroupMessage(state, m, AD), 'duplicate')
      }
      expect(state.skipped).toEqual([])
    }), { numRuns: 6 })
  })

  it('a gap of exactly MAX_SKIP decrypts; one more is refused and changes nothing', () => {
    const alice = fixedSenderKey(3)
    const bob = receiveSenderKeyDistribution(senderKeyDistribution(alice))
    const atMax = encryptGroupMessage(advance(alice, MAX_SKIP), utf8('at max'), AD).message
    const overMax = encryptGroupMessage(advance(alice, MAX_SKIP + 1), utf8('over max'), AD).message
    expectRefused(bob, () => decryptGroupMessage(bob, overMax, AD), 'too-many-skipped')
    const out = receive(bob, atMax)
    expect(out.text).toBe('at max')
    expect(out.state.skipped.length).toBe(MAX_SKIP)
    // Now within reach: the one after it decrypts, and a skipped one still does.
    expect(receive(out.state, overMax).text).toBe('over max')
    const first = encryptGroupMessage(alice, utf8('first'), AD).message
    expect(receive(out.state, first).text).toBe('first')
  })

  it(`keeps at most MAX_STORED_SKIPPED (${MAX_STORED_SKIPPED}) skipped keys, dropping the oldest`, () => {
    const alice = fixedSenderKey(4)
    let bob = receiveSenderKeyDistribution(senderKeyDistribution(alice))
    // Three messages, each after MAX_SKIP missing ones: 3 * MAX_SKIP skipped in all.
    let sender = alice
    let kept: Uint8Array | undefined
    for (let round = 0; round < 3; round++) {
      sender = advance(sender, MAX_SKIP)
      const sent = encryptGroupMessage(sender, utf8(`${round}`), AD)
      bob = receive(bob, sent.message).state
      sender = sent.senderKey
      if (round === 0) kept = encryptGroupMessage(sender, utf8('kept'), AD).message // iteration MAX_SKIP + 1
    }
    expect(bob.skipped.length).toBe(MAX_STORED_SKIPPED)
    expect(bob.skipped[0]!.iteration).toBe(MAX_SKIP + 1) // all of the first gap is gone
    const oldest = encryptGroupMessage(alice, utf8('0'), AD).message
    expectRefused(bob, () => decryptGroupMessage(bob, oldest, AD), 'duplicate')
    expect(receive(bob, kept!).text).toBe('kept')
  })

  it('refuses a duplicate, also of the first message read', () => {
    const alice = fixedSenderKey(5)
    const { messages } = sendMany(alice, 2)
    const bob = receive(receiveSenderKeyDistribution(senderKeyDistribution(alice)), messages[0]!).state
    expectRefused(bob, () => decryptGroupMessage(bob, messages[0]!, AD), 'duplicate')
  })

  it('refuses a message with any byte flipped, or under another ad, and changes nothing', () => {
    const alice = fixedSenderKey(6)
    const { messages } = sendMany(alice, 2)
    const bob = receiveSenderKeyDistribution(senderKeyDistribution(alice))
    const message = messages[1]!
    for (let i = 0; i < message.length; i++) expectRefused(bob, () => decryptGroupMessage(bob, flipByte(message, i), AD))
    expectRefused(bob, () => decryptGroupMessage(bob, message, utf8('group headeR')), 'signature')
    expectRefused(bob, () => decryptGroupMessage(bob, message.subarray(0, message.length - 1), AD))
    expectRefused(bob, () => decryptGroupMessage(bob, new Uint8Array(64 * 1024), AD), 'oversize')
    expect(receive(bob, message).text).toBe('m1') // and the untouched one still reads
  })

  it('refuses a message forged by another member who holds the chain key but not the signing key', () => {
    const alice = fixedSenderKey(7)
    const mallory = fixedSenderKey(8)
    const bob = receiveSenderKeyDistribution(senderKeyDistribution(alice))
    // Mallory got Alice's distribution too: right chain key, right iteration, Alice's public key.
    const forger: SenderKey = { ...alice, signing: { publicKey: alice.signing.publicKey, secretKey: mallory.signing.secretKey } }
    const forged = encryptGroupMessage(forger, utf8('from alice, honest'), AD).message
    expectRefused(bob, () => decryptGroupMessage(bob, forged, AD), 'signature')
    // Under her own key the message is not Alice's at all.
    const own = encryptGroupMessage({ ...alice, signing: mallory.signing }, utf8('hi'), AD).message
    expectRefused(bob, () => decryptGroupMessage(bob, own, AD), 'wrong-key')
  })

  it('a receiver that got the distribution at iteration k cannot read messages before k', () => {
    const alice = fixedSenderKey(9)
    const { senderKey: atK, messages } = sendMany(alice, 5)
    const late = receiveSenderKeyDistribution(senderKeyDistribution(atK))
    expect(late.firstIteration).toBe(5)
    for (const m of messages) expectRefused(late, () => decryptGroupMessage(late, m, AD), 'before-distribution')
    expect(receive(late, encryptGroupMessage(atK, utf8('now'), AD).message).text).toBe('now')
  })

  it('lets anyone with the signing public key check a message without reading it', () => {
    const alice = fixedSenderKey(12)
    const mallory = fixedSenderKey(13)
    const { message } = encryptGroupMessage(alice, utf8('hello'), AD)
    const pub = alice.signing.publicKey
    expect(verifyGroupMessage(pub, message, AD)).toBe(true)
    expect(verifyGroupMessage(pub, message, utf8('other'))).toBe(false)
    expect(verifyGroupMessage(pub, flipByte(message, message.length - 1), AD)).toBe(false)
    expect(verifyGroupMessage(mallory.signing.publicKey, message, AD)).toBe(false)
    expect(verifyGroupMessage(pub, new Uint8Array(3), AD)).toBe(false)
  })

  it('refuses to encrypt too much, or past the last iteration, leaving the key as it was', () => {
    const alice = fixedSenderKey(10)
    expect(() => encryptGroupMessage(alice, new Uint8Array(MAX_GROUP_PLAINTEXT_BYTES + 1), AD)).toThrow(expect.objectContaining({ name: 'GroupEncryptError', reason: 'oversize' }))
    const big = encryptGroupMessage(alice, new Uint8Array(MAX_GROUP_PLAINTEXT_BYTES), AD)
    const bob = receiveSenderKeyDistribution(senderKeyDistribution(alice))
    expect(decryptGroupMessage(bob, big.message, AD).plaintext.length).toBe(MAX_GROUP_PLAINTEXT_BYTES)
    const last = { ...alice, iteration: MAX_ITERATION }
    const after = encryptGroupMessage(last, utf8('last'), AD).senderKey
    expect(() => encryptGroupMessage(after, utf8('one more'), AD)).toThrow(expect.objectContaining({ name: 'GroupEncryptError', reason: 'exhausted' }))
  })

  it('reads a distribution back exactly, and refuses malformed ones naming the field', () => {
    const alice = advance(fixedSenderKey(11), 7)
    const bytes = senderKeyDistribution(alice)
    expect(receiveSenderKeyDistribution(bytes)).toEqual({
      chainKey: alice.chainKey, iteration: 7, firstIteration: 7, signingPublicKey: alice.signing.publicKey, skipped: []
    })
    const refused = (b: Uint8Array): any => { try { receiveSenderKeyDistribution(b) } catch (e) { return e } }
    expect(refused(bytes.subarray(0, bytes.length - 1))).toMatchObject({ name: 'InvalidSenderKeyError', reason: 'malformed', field: 'signingPublicKey' })
    expect(refused(Uint8Array.of(2, ...bytes.subarray(1)))).toMatchObject({ reason: 'malformed', field: 'version' })
    expect(refused(Uint8Array.of(...bytes, 0))).toMatchObject({ reason: 'malformed', field: 'distribution' })
    expect(refused(new Uint8Array(129))).toMatchObject({ reason: 'oversize' })
    expect(refused(Uint8Array.of(1, 31, ...new Uint8Array(31), 0, 32, ...new Uint8Array(32)))).toMatchObject({ reason: 'malformed', field: 'chainKey' })
  })
})
