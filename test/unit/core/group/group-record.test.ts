import { describe, expect, it } from 'vitest'
import { toString } from 'uint8arrays'
import {
  acceptSenderKey, distributionFor, ensureSenderKey, judgeGroupMessage, MAX_KEYS_PER_AUTHOR, newGroupRecord, openGroupMessage, receiverId, settleKeys
} from '../../../../src/core/group/group-record.ts'
import {
  createGroupMessage, createGroupState, encodeGroupContent, encodeGroupMessage, encryptGroupMessage, groupMessageHeader,
  senderKeyDistribution, withMemberRemoved, SENDER_KEY_MAX_AGE_MS, SENDER_KEY_MAX_MESSAGES, type GroupMember, type SenderKey
} from '../../../../src/core/group/index.ts'
import { createIdentity } from '../../../../src/core/identity.ts'
import { encodeUserId } from '../../../../src/core/user-id.ts'

const person = (name: string): GroupMember => ({ userId: encodeUserId(createIdentity().publicKey), name })
const [ann, bob, cat] = [person('Ann'), person('Bob'), person('Cat')]
const T = 1_800_000_000_000

function sealedBy (author: string, key: SenderKey, text: string, clock = 1): { key: SenderKey, message: ReturnType<typeof createGroupMessage> } {
  const fields = { author, clock, parents: [] }
  const out = encryptGroupMessage(key, encodeGroupContent({ sentAt: T, text }), groupMessageHeader(fields))
  return { key: out.senderKey, message: createGroupMessage({ ...fields, body: out.message }) }
}

describe('group keys', () => {
  it('makes a new sender key after a removal, after its message budget and after its age, and not otherwise', () => {
    const state = createGroupState('Keys', ann!, [bob!])
    const first = ensureSenderKey(newGroupRecord(state, T), T, false)
    expect(first.isNew).toBe(true)
    expect(ensureSenderKey(first.group, T + 1, false).isNew).toBe(false)
    expect(ensureSenderKey(first.group, T + 1, true).isNew).toBe(true)
    expect(ensureSenderKey(first.group, T + SENDER_KEY_MAX_AGE_MS, false).isNew).toBe(true)
    const worn = { ...first.group, senderKey: { ...first.group.senderKey!, key: { ...first.group.senderKey!.key, iteration: SENDER_KEY_MAX_MESSAGES } } }
    expect(ensureSenderKey(worn, T + 1, false).isNew).toBe(true)
  })

  it('keeps the reading position of a key it holds when the key comes again, and holds keys of non-members aside', () => {
    const state = createGroupState('Keys', ann!, [bob!])
    const bobs = ensureSenderKey(newGroupRecord(state, T), T, true).group.senderKey!.key
    const first = acceptSenderKey(newGroupRecord(state, T), bob!.userId, 1, senderKeyDistribution(bobs))
    const sent = sealedBy(bob!.userId, bobs, 'one')
    const read = openGroupMessage(first, sent.message, encodeGroupMessage(sent.message), T)
    expect(read.row.text).toBe('one')
    // Bob's key again, further on: we keep ours (which can still read what is on its way).
    expect(acceptSenderKey(read.group, bob!.userId, 1, senderKeyDistribution(sent.key))).toBe(read.group)
    const fromStranger = acceptSenderKey(first, cat!.userId, 1, senderKeyDistribution(bobs))
    expect(fromStranger.pendingKeys).toHaveLength(1)
    let flooded = first
    for (let i = 0; i < 40; i++) flooded = acceptSenderKey(flooded, cat!.userId, 1, Uint8Array.of(1, i))
    expect(flooded.pendingKeys).toHaveLength(32)
  })

  it('drops the keys of a removed member and takes waiting keys of new members', () => {
    const state = createGroupState('Keys', ann!, [bob!, cat!])
    const bobs = ensureSenderKey(newGroupRecord(state, T), T, true).group.senderKey!.key
    const held = acceptSenderKey(newGroupRecord(state, T), bob!.userId, 1, senderKeyDistribution(bobs))
    const after = settleKeys({ ...held, state: withMemberRemoved(state, bob!.userId) })
    expect(Object.keys(after.receivers)).toHaveLength(0)
  })

  it('answers a key request with the first distribution only to members who were there when it was made', () => {
    const state = createGroupState('Keys', ann!, [bob!])
    const { group } = ensureSenderKey(newGroupRecord(state, T), T, true)
    const moved = { ...group, senderKey: { ...group.senderKey!, key: sealedBy(ann!.userId, group.senderKey!.key, 'x').key } }
    expect(distributionFor(moved, bob!.userId)).toEqual(group.senderKey!.initial)
    expect(distributionFor(moved, cat!.userId)).toEqual(senderKeyDistribution(moved.senderKey!.key))
  })

  it('judges authorship: a member with their own key passes, a key used by another author or a bad signature does not', () => {
    const state = createGroupState('Keys', ann!, [bob!, cat!])
    const bobs = ensureSenderKey(newGroupRecord(state, T), T, true).group.senderKey!.key
    const group = acceptSenderKey(newGroupRecord(state, T), bob!.userId, 1, senderKeyDistribution(bobs))
    const fine = sealedBy(bob!.userId, bobs, 'hi').message
    expect(judgeGroupMessage(group, fine, ann!.userId)).toBe('accept')
    // Bob's key under Cat's name: Bob's signature, but Cat never presented that key. Without
    // proof of who holds it, it waits (unread, under no name) rather than judge either.
    expect(judgeGroupMessage(group, sealedBy(cat!.userId, bobs, 'as Cat').message, ann!.userId)).toBe('unknown-key')
    const stranger = person('Eve')
    expect(judgeGroupMessage(group, sealedBy(stranger.userId, bobs, 'hi').message, ann!.userId)).toBe('reject')
    const catsKey = ensureSenderKey(newGroupRecord(state, T), T, true).group.senderKey!.key
    expect(judgeGroupMessage(group, sealedBy(cat!.userId, catsKey, 'unknown key').message, ann!.userId)).toBe('unknown-key')
    const body = fine.body.slice()
    body[body.length - 1]! ^= 1
    expect(judgeGroupMessage(group, createGroupMessage({ author: fine.author, clock: fine.clock, parents: [], body }), ann!.userId)).toBe('reject')
    // Filed under Bob and his signing key.
    expect(Object.keys(group.receivers)).toEqual([`${bob!.userId} ${toString(bobs.signing.publicKey, 'hex')}`])
  })

  it('reads records that filed keys by signing key alone, and files them by author once used', () => {
    const state = createGroupState('Keys', ann!, [bob!])
    const bobs = ensureSenderKey(newGroupRecord(state, T), T, true).group.senderKey!.key
    const current = acceptSenderKey(newGroupRecord(state, T), bob!.userId, 1, senderKeyDistribution(bobs))
    const hex = toString(bobs.signing.publicKey, 'hex')
    const legacy = { ...current, receivers: { [hex]: current.receivers[receiverId(bob!.userId, hex)]! } }
    const sent = sealedBy(bob!.userId, bobs, 'from before')
    expect(judgeGroupMessage(legacy, sent.message, ann!.userId)).toBe('accept')
    expect(acceptSenderKey(legacy, bob!.userId, 1, senderKeyDistribution(bobs))).toBe(legacy)
    const read = openGroupMessage(legacy, sent.message, encodeGroupMessage(sent.message), T)
    expect(read.row.text).toBe('from before')
    expect(Object.keys(read.group.receivers)).toEqual([receiverId(bob!.userId, hex)])
    // Under another member's name, the legacy entry is nobody's.
    expect(judgeGroupMessage(legacy, sealedBy(ann!.userId, bobs, 'x').message, 'mmsomeoneelse')).toBe('unknown-key')
  })

  it('keeps at most MAX_KEYS_PER_AUTHOR keys per member, dropping that member\'s oldest', () => {
    const state = createGroupState('Keys', ann!, [bob!, cat!])
    const fresh = (): SenderKey => ensureSenderKey(newGroupRecord(state, T), T, true).group.senderKey!.key
    let group = acceptSenderKey(newGroupRecord(state, T), cat!.userId, 1, senderKeyDistribution(fresh()))
    const bobsKeys = Array.from({ length: MAX_KEYS_PER_AUTHOR + 3 }, fresh)
    for (const key of bobsKeys) group = acceptSenderKey(group, bob!.userId, 1, senderKeyDistribution(key))
    const authors = Object.values(group.receivers).map((r) => r.author)
    expect(authors.filter((a) => a === bob!.userId)).toHaveLength(MAX_KEYS_PER_AUTHOR)
    expect(authors.filter((a) => a === cat!.userId)).toHaveLength(1)
    expect(judgeGroupMessage(group, sealedBy(bob!.userId, bobsKeys.at(-1)!, 'newest').message, ann!.userId)).toBe('accept')
    expect(judgeGroupMessage(group, sealedBy(bob!.userId, bobsKeys[0]!, 'oldest').message, ann!.userId)).toBe('unknown-key')
  })

  it('rejects a bad signature under a key someone else presented', () => {
    const state = createGroupState('Keys', ann!, [bob!, cat!])
    const bobs = ensureSenderKey(newGroupRecord(state, T), T, true).group.senderKey!.key
    const group = acceptSenderKey(newGroupRecord(state, T), bob!.userId, 1, senderKeyDistribution(bobs))
    const forged = sealedBy(cat!.userId, bobs, 'as Cat').message
    const body = forged.body.slice()
    body[body.length - 1]! ^= 1
    expect(judgeGroupMessage(group, createGroupMessage({ author: cat!.userId, clock: forged.clock, parents: [], body }), ann!.userId)).toBe('reject')
  })

  it('marks a message sent before our key began as unreadable for good, and one whose key has not come as waiting', () => {
    const state = createGroupState('Keys', ann!, [bob!])
    let bobs = ensureSenderKey(newGroupRecord(state, T), T, true).group.senderKey!.key
    const early = sealedBy(bob!.userId, bobs, 'before you joined')
    bobs = early.key
    const group = acceptSenderKey(newGroupRecord(state, T), bob!.userId, 1, senderKeyDistribution(bobs))
    expect(openGroupMessage(group, early.message, encodeGroupMessage(early.message), T).row.unreadable).toBe('before-join')
    const unknown = sealedBy(bob!.userId, ensureSenderKey(newGroupRecord(state, T), T, true).group.senderKey!.key, 'other key')
    expect(openGroupMessage(group, unknown.message, encodeGroupMessage(unknown.message), T).row.unreadable).toBe('waiting-key')
  })
})
