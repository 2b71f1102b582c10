import { describe, expect, it } from 'vitest'
import { MemoryDatastore } from 'datastore-core'
import { generateSigningKeyPair } from '../../src/crypto/index.ts'
import { decodeMailboxRecord, encodeMailboxRecord } from '../../src/core/mailbox/record.ts'
import { mailboxSlot, slotEpoch, slotOwnerKey } from '../../src/core/mailbox/slots.ts'
import { HolderDatastore } from '../../src/net/holder-datastore.ts'
import { DAY, from, freshPeerId, innerValue, stored, type DhtEntry } from './support/records.ts'

// Issue 15 item 6: everyone holding an invite derives its first-contact slots and their write
// key. Before, a second newcomer (or anyone who saw the link) PUT a record with a higher seq
// at the same slot and every holder replaced the first newcomer's message with it. Now a
// first-contact record names its owner, and a holder keeps the first owner's record.

const now = Date.now()
const inviteSecret = new Uint8Array(32).fill(3)
const inviter = generateSigningKeyPair().publicKey
const epoch = slotEpoch(now)
const slot = mailboxSlot(inviteSecret, inviter, epoch, 0, 'claimed')

function record (owner: ReturnType<typeof slotOwnerKey>, seq: number, n: number): DhtEntry {
  const value = encodeMailboxRecord(slot.writeKey, { seq, createdAt: now, expiresAt: now + DAY, entries: [{ id: new Uint8Array(16).fill(n), payload: new Uint8Array([n]) }] }, owner)
  return { key: slot.key, value }
}

async function putRemote (holder: HolderDatastore, entry: DhtEntry): Promise<string> {
  const { key, value } = stored(entry)
  try {
    await holder.put(key, value, from(await freshPeerId()))
    return 'stored'
  } catch (err) {
    return (err as Error).name
  }
}

describe('first-contact slots on a holder', () => {
  it('a second newcomer through the same invite cannot replace the first one\'s message, whatever its seq; the first can still rewrite its own', async () => {
    const holder = await HolderDatastore.open(new MemoryDatastore())
    const ann = slotOwnerKey(generateSigningKeyPair().secretKey, inviteSecret, epoch)
    const carol = slotOwnerKey(generateSigningKeyPair().secretKey, inviteSecret, epoch)
    expect(await putRemote(holder, record(ann, now, 1))).toBe('stored')
    expect(await putRemote(holder, record(carol, now + 1000, 2))).toBe('SlotClaimedError')
    const held = (): number => decodeMailboxRecord(innerValue(heldBytes)).entries[0]!.id[0]!
    let heldBytes = await holder.get(stored(record(ann, now, 1)).key)
    expect(held()).toBe(1)
    expect(await putRemote(holder, record(ann, now + 2000, 3))).toBe('stored')
    heldBytes = await holder.get(stored(record(ann, now, 1)).key)
    expect(held()).toBe(3)
  })
})
