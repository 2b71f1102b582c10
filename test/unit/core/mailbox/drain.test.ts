import { describe, expect, it } from 'vitest'
import { toString } from 'uint8arrays'
import { generateDhKeyPair } from '../../../../src/crypto/index.ts'
import {
  drainSlot,
  encodeMailboxRecord,
  mailboxSecretForPair,
  mailboxSlot,
  selectMailboxRecord,
  slotEpoch,
  slotKeys,
  validateMailboxRecord
} from '../../../../src/core/mailbox/index.ts'
import { fixedIdentity, flipByte } from '../support.ts'

const NOW = Date.UTC(2025, 0, 1)
const DAY = 24 * 3600 * 1000
const alice = fixedIdentity(1)
const bob = fixedIdentity(2)
const aliceDh = generateDhKeyPair(() => new Uint8Array(32).fill(11))
const bobDh = generateDhKeyPair(() => new Uint8Array(32).fill(12))
const id = (n: number): Uint8Array => new Uint8Array(16).fill(n)
const entry = (n: number, payload = n): { id: Uint8Array, payload: Uint8Array } => ({ id: id(n), payload: new Uint8Array([payload]) })
const ids = (entries: Array<{ id: Uint8Array }>): number[] => entries.map((e) => e.id[0]!)

describe('a message through a mailbox, both sides', () => {
  it('Alice writes to a slot for Bob; Bob finds that slot from his side and drains it', () => {
    // Alice, writing: her copy of the pair secret, the first slot of today's epoch towards Bob.
    const ofAlice = mailboxSecretForPair(aliceDh.secretKey, bobDh.publicKey, alice.publicKey, bob.publicKey)
    const slot = mailboxSlot(ofAlice, bob.publicKey, slotEpoch(NOW), 0)
    const value = encodeMailboxRecord(slot.writeKey, { seq: 1, createdAt: NOW, expiresAt: NOW + 21 * DAY, entries: [entry(1)] })
    validateMailboxRecord(slot.key, value, NOW)

    // Bob, reading a few hours later: his copy of the secret, the slots towards himself.
    const later = NOW + 5 * 3600 * 1000
    const ofBob = mailboxSecretForPair(bobDh.secretKey, aliceDh.publicKey, bob.publicKey, alice.publicKey)
    const keys = slotKeys(ofBob, bob.publicKey, slotEpoch(later))
    expect(toString(keys[0]!)).toBe(toString(slot.key))
    expect(drainSlot(keys[0]!, [value], later)).toEqual([entry(1)])
    // Alice reading her own direction finds nothing of this.
    expect(drainSlot(slotKeys(ofBob, alice.publicKey, slotEpoch(later))[0]!, [value], later)).toEqual([])
  })
})

describe('drainSlot', () => {
  const secret = new Uint8Array(32).fill(7)
  const slot = mailboxSlot(secret, bob.publicKey, slotEpoch(NOW), 0)
  const other = mailboxSlot(secret, bob.publicKey, slotEpoch(NOW), 1)
  const at = (seq: number, entries: Array<{ id: Uint8Array, payload: Uint8Array }>, writeKey = slot.writeKey): Uint8Array =>
    encodeMailboxRecord(writeKey, { seq, createdAt: NOW, expiresAt: NOW + DAY, entries })

  it('takes the union of what the holders returned, each id once', () => {
    const stale = at(1, [entry(1)])
    const fresh = at(2, [entry(1), entry(2)])
    expect(ids(drainSlot(slot.key, [stale, fresh, fresh], NOW))).toEqual([1, 2])
    // A holder that only has the tombstone does not hide what the others hold.
    expect(ids(drainSlot(slot.key, [at(3, []), stale], NOW))).toEqual([1])
  })

  it('prefers the payload of the higher seq when an id comes twice', () => {
    const first = at(1, [entry(1, 10)])
    const resealed = at(2, [entry(1, 20)])
    expect(drainSlot(slot.key, [first, resealed], NOW)).toEqual([entry(1, 20)])
    expect(drainSlot(slot.key, [resealed, first], NOW)).toEqual([entry(1, 20)])
  })

  it('skips garbage, forgeries, expired records and records of another slot', () => {
    const good = at(1, [entry(1)])
    const forged = flipByte(at(5, [entry(9)]), 40)
    const squatter = at(9, [entry(8)], other.writeKey)
    expect(ids(drainSlot(slot.key, [new Uint8Array(5), forged, squatter, good], NOW))).toEqual([1])
    expect(drainSlot(slot.key, [good], NOW + DAY)).toEqual([])
    // The selector agrees on what is valid.
    expect(selectMailboxRecord(slot.key, [forged, squatter, good], NOW)).toBe(2)
  })
})
