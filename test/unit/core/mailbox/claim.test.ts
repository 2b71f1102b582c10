import { describe, expect, it } from 'vitest'
import { generateSigningKeyPair } from '../../../../src/crypto/index.ts'
import { claimedByAnother, claimedByOther } from '../../../../src/core/mailbox/claim.ts'
import { decodeMailboxRecord, encodeMailboxRecord, validateMailboxRecord } from '../../../../src/core/mailbox/record.ts'
import { drainSlot } from '../../../../src/core/mailbox/drain.ts'
import { mailboxSlot, slotOwnerKey } from '../../../../src/core/mailbox/slots.ts'

const NOW = 1_700_000_000_000
const DAY = 24 * 60 * 60 * 1000
const secret = new Uint8Array(32).fill(5)
const reader = generateSigningKeyPair().publicKey
const epoch = Math.floor(NOW / DAY)
const slot = mailboxSlot(secret, reader, epoch, 0, 'claimed')
const id = (n: number): Uint8Array => new Uint8Array(16).fill(n)
const fields = (seq: number, n: number) => ({ seq, createdAt: NOW, expiresAt: NOW + DAY, entries: [{ id: id(n), payload: new Uint8Array([n]) }] })

describe('claimed first-contact slots', () => {
  const ann = slotOwnerKey(generateSigningKeyPair().secretKey, secret, epoch)
  const carol = slotOwnerKey(generateSigningKeyPair().secretKey, secret, epoch)
  const ofAnn = encodeMailboxRecord(slot.writeKey, fields(NOW, 1), ann)
  const ofCarol = encodeMailboxRecord(slot.writeKey, fields(NOW + 5, 2), carol)

  it('a record names its owner, signed by both keys, and sits only at the claimed slot key', () => {
    expect(decodeMailboxRecord(ofAnn, NOW).owner).toEqual(ann.publicKey)
    expect(() => validateMailboxRecord(slot.key, ofAnn, NOW)).not.toThrow()
    // The same write key without an owner hashes to another slot: it cannot sit here.
    const shared = encodeMailboxRecord(slot.writeKey, fields(NOW + 9, 3))
    expect(() => validateMailboxRecord(slot.key, shared, NOW)).toThrow(expect.objectContaining({ reason: 'wrong-key' }))
    // A changed owner key breaks the owner's signature.
    const forged = ofAnn.slice()
    forged[40] = forged[40]! ^ 1
    expect(() => decodeMailboxRecord(forged, NOW)).toThrow(expect.objectContaining({ reason: 'signature' }))
  })

  it('a holder keeps the first owner: a second newcomer with a higher seq is refused, the owner\'s own rewrite is not', () => {
    expect(claimedByAnother(slot.key, ofCarol, ofAnn, NOW)).toBe(true)
    expect(claimedByAnother(slot.key, encodeMailboxRecord(slot.writeKey, fields(NOW + 10, 4), ann), ofAnn, NOW)).toBe(false)
    // Once the first record has expired, the slot is free again.
    expect(claimedByAnother(slot.key, ofCarol, ofAnn, NOW + DAY)).toBe(false)
    expect(claimedByOther(slot.key, [ofAnn], carol.publicKey, NOW)).toBe(true)
    expect(claimedByOther(slot.key, [ofAnn], ann.publicKey, NOW)).toBe(false)
  })

  it('the owner key is the same after a restart and differs per newcomer', () => {
    const identity = generateSigningKeyPair().secretKey
    expect(slotOwnerKey(identity, secret, epoch).publicKey).toEqual(slotOwnerKey(identity, secret, epoch).publicKey)
    expect(slotOwnerKey(identity, secret, epoch).publicKey).not.toEqual(ann.publicKey)
  })

  it('where holders split in a race, a reader takes both owners\' entries', () => {
    expect(drainSlot(slot.key, [ofAnn, ofCarol], NOW).map((e) => e.id[0])).toEqual([2, 1])
  })
})
