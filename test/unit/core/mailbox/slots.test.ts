import { describe, expect, it } from 'vitest'
import { toString } from 'uint8arrays'
import { generateDhKeyPair, sha256, sign, verifySignature } from '../../../../src/crypto/index.ts'
import { utf8 } from '../../../../src/core/codec.ts'
import {
  mailboxSecretForFirstContact,
  mailboxSecretForPair,
  mailboxSlot,
  mailboxSlotKey,
  MAILBOX_NAMESPACE,
  slotEpoch,
  slotKeys,
  slotWriteKey,
  SLOT_EPOCH_MS,
  SLOTS_PER_EPOCH
} from '../../../../src/core/mailbox/index.ts'
import { fixedIdentity, thrown } from '../support.ts'
import { toHex } from '../../../support/hex.ts'

const alice = fixedIdentity(1)
const bob = fixedIdentity(2)
const secret = new Uint8Array(32).fill(7)
const otherSecret = new Uint8Array(32).fill(8)
const EPOCH = slotEpoch(Date.UTC(2025, 0, 1))

describe('slot keys', () => {
  const toBob = slotKeys(secret, bob.publicKey, EPOCH)

  it('are the text /murmur-mailbox/<base32 of a hash of the slot write key>', () => {
    expect(toBob).toHaveLength(SLOTS_PER_EPOCH)
    for (const key of toBob) {
      const text = toString(key)
      expect(text).toMatch(/^\/murmur-mailbox\/[a-z2-7]{52}$/)
      expect(text.split('/')[1]).toBe(MAILBOX_NAMESPACE)
      expect(key).toEqual(utf8(text))
    }
    const slot = mailboxSlot(secret, bob.publicKey, EPOCH, 3)
    const digest = sha256(new Uint8Array([...utf8('murmur/mailbox/slot-key/v1'), ...slot.writeKey.publicKey]))
    expect(toString(slot.key)).toBe(`/murmur-mailbox/${toString(digest, 'base32')}`)
    expect(slot.key).toEqual(toBob[3])
    expect(mailboxSlotKey(slot.writeKey.publicKey)).toEqual(toBob[3])
  })

  it('are deterministic', () => {
    expect(slotKeys(secret.slice(), bob.publicKey.slice(), EPOCH)).toEqual(toBob)
  })

  it('differ by index, direction, epoch and secret, and never repeat', () => {
    const all = [
      ...toBob,
      ...slotKeys(secret, alice.publicKey, EPOCH),
      ...slotKeys(secret, bob.publicKey, EPOCH + 1),
      ...slotKeys(otherSecret, bob.publicKey, EPOCH)
    ]
    expect(new Set(all.map(toHex)).size).toBe(4 * SLOTS_PER_EPOCH)
  })

  it('count picks the first slots, in order', () => {
    expect(slotKeys(secret, bob.publicKey, EPOCH, 3)).toEqual(toBob.slice(0, 3))
    expect(slotKeys(secret, bob.publicKey, EPOCH, 0)).toEqual([])
  })

  it('epochs are whole days', () => {
    const start = EPOCH * SLOT_EPOCH_MS
    expect(slotEpoch(start)).toBe(EPOCH)
    expect(slotEpoch(start + SLOT_EPOCH_MS - 1)).toBe(EPOCH)
    expect(slotEpoch(start + SLOT_EPOCH_MS)).toBe(EPOCH + 1)
    expect(slotEpoch(start - 1)).toBe(EPOCH - 1)
  })

  it('refuse a bad secret, reader, epoch, index or count', () => {
    expect(() => slotKeys(new Uint8Array(31), bob.publicKey, EPOCH)).toThrow(TypeError)
    expect(() => slotKeys(secret, new Uint8Array(33), EPOCH)).toThrow(TypeError)
    expect(() => slotKeys(secret, bob.publicKey, -1)).toThrow(RangeError)
    expect(() => slotKeys(secret, bob.publicKey, 1.5)).toThrow(RangeError)
    expect(() => slotKeys(secret, bob.publicKey, EPOCH, SLOTS_PER_EPOCH + 1)).toThrow(RangeError)
    expect(() => slotWriteKey(secret, bob.publicKey, EPOCH, SLOTS_PER_EPOCH)).toThrow(RangeError)
    expect(() => slotWriteKey(secret, bob.publicKey, EPOCH, -1)).toThrow(RangeError)
    expect(() => slotEpoch(-1)).toThrow(RangeError)
  })
})

describe('slot write keys', () => {
  it('are deterministic per (secret, reader, epoch, index) and sign', () => {
    const a = slotWriteKey(secret, bob.publicKey, EPOCH, 0)
    expect(slotWriteKey(secret.slice(), bob.publicKey, EPOCH, 0)).toEqual(a)
    const others = [
      slotWriteKey(secret, alice.publicKey, EPOCH, 0),
      slotWriteKey(secret, bob.publicKey, EPOCH + 1, 0),
      slotWriteKey(secret, bob.publicKey, EPOCH, 1),
      slotWriteKey(otherSecret, bob.publicKey, EPOCH, 0)
    ]
    expect(new Set([a, ...others].map((k) => toHex(k.publicKey))).size).toBe(5)
    // A real key pair: its secret half signs for its public half.
    const message = utf8('hello')
    expect(verifySignature(sign(a.secretKey, message), message, a.publicKey)).toBe(true)
    expect(verifySignature(sign(others[0]!.secretKey, message), message, a.publicKey)).toBe(false)
  })
})

describe('mailbox secrets', () => {
  const aliceDh = generateDhKeyPair(() => new Uint8Array(32).fill(11))
  const bobDh = generateDhKeyPair(() => new Uint8Array(32).fill(12))
  const carolDh = generateDhKeyPair(() => new Uint8Array(32).fill(13))

  it('for a pair: both sides derive the same secret, hence the same slots in both directions', () => {
    const ofAlice = mailboxSecretForPair(aliceDh.secretKey, bobDh.publicKey, alice.publicKey, bob.publicKey)
    const ofBob = mailboxSecretForPair(bobDh.secretKey, aliceDh.publicKey, bob.publicKey, alice.publicKey)
    expect(ofAlice).toHaveLength(32)
    expect(ofAlice).toEqual(ofBob)
    expect(slotKeys(ofAlice, bob.publicKey, EPOCH)).toEqual(slotKeys(ofBob, bob.publicKey, EPOCH))
    expect(slotKeys(ofAlice, alice.publicKey, EPOCH)).toEqual(slotKeys(ofBob, alice.publicKey, EPOCH))
  })

  it('for a pair: another DH key, or other identities bound to it, give another secret', () => {
    const base = mailboxSecretForPair(aliceDh.secretKey, bobDh.publicKey, alice.publicKey, bob.publicKey)
    const carol = fixedIdentity(3)
    expect(mailboxSecretForPair(aliceDh.secretKey, carolDh.publicKey, alice.publicKey, bob.publicKey)).not.toEqual(base)
    expect(mailboxSecretForPair(aliceDh.secretKey, bobDh.publicKey, alice.publicKey, carol.publicKey)).not.toEqual(base)
  })

  it('for a pair: a low-order public key is refused, not turned into a public "secret"', () => {
    expect(thrown(() => mailboxSecretForPair(aliceDh.secretKey, new Uint8Array(32), alice.publicKey, bob.publicKey)).name).toBe('WeakKeyError')
  })

  it('for a first contact: the inviter and the invitee derive it from the invitation secret', () => {
    const invitation = new Uint8Array(32).fill(9)
    const s = mailboxSecretForFirstContact(invitation, bob.publicKey)
    expect(s).toHaveLength(32)
    expect(mailboxSecretForFirstContact(invitation.slice(), bob.publicKey)).toEqual(s)
    expect(mailboxSecretForFirstContact(new Uint8Array(32).fill(10), bob.publicKey)).not.toEqual(s)
    expect(mailboxSecretForFirstContact(invitation, alice.publicKey)).not.toEqual(s)
    // Not the raw invitation secret, which the link carries in the clear.
    expect(s).not.toEqual(invitation)
    expect(() => mailboxSecretForFirstContact(new Uint8Array(16), bob.publicKey)).toThrow(TypeError)
  })
})
