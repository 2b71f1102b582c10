import { toString } from 'uint8arrays'
import { createSenderKey, decryptGroupMessage, groupMessageSigningKey, receiveSenderKeyDistribution, senderKeyDistribution, senderKeyNeedsRotation, verifyGroupMessage } from './sender-key.ts'
import { groupMessageHeader, type GroupMessage } from './group-message.ts'
import { decodeGroupContent } from './group-content.ts'
import { sentAtOnArrival } from '../sent-time.ts'
import { GroupDecryptError } from './errors.ts'
import { isMember, type GroupState } from './group-state.ts'
import type { StoredGroup, StoredGroupMessage } from '../ports/index.ts'

// The sender-key bookkeeping of one stored group record, as pure functions of the record:
// which keys we hold, which message a key opens, what waits for a key. src/app/groups/
// stores and sends what these return.

/** Sender keys that came before the state naming their sender; past this the oldest go. */
const MAX_PENDING_KEYS = 32

export const signingKeyOf = (m: GroupMessage): string | undefined => {
  const key = groupMessageSigningKey(m.body)
  return key == null ? undefined : toString(key, 'hex')
}

/** A fresh record for a state we just learned (or made). */
export function newGroupRecord (state: GroupState, now: number): StoredGroup {
  return { state, receivers: {}, pendingKeys: [], joinedAt: now }
}

/** Our sender key for the record's epoch: kept, or new (after a removal, or when it is old). */
export function ensureSenderKey (group: StoredGroup, now: number, forceNew: boolean): { group: StoredGroup, isNew: boolean } {
  const current = group.senderKey
  if (!forceNew && current != null && !senderKeyNeedsRotation(current.key, current.createdAt, now)) return { group, isNew: false }
  const key = createSenderKey()
  const senderKey = { epoch: group.state.epoch, key, createdAt: now, initial: senderKeyDistribution(key), members: group.state.members.map((m) => m.userId) }
  return { group: { ...group, senderKey }, isNew: true }
}

/** What to send a member who asks for our key again: the first distribution if they had it, else where we are now. */
export function distributionFor (group: StoredGroup, userId: string): Uint8Array | undefined {
  const own = group.senderKey
  if (own == null) return undefined
  return own.members.includes(userId) ? own.initial : senderKeyDistribution(own.key)
}

/** What we send a member so they read our messages from now on. */
export function ourDistribution (group: StoredGroup): Uint8Array | undefined {
  return group.senderKey == null ? undefined : senderKeyDistribution(group.senderKey.key)
}

/**
 * Takes a member's sender key. A key we hold already is kept as it is (a repeat must not move
 * our reading position forward past messages still on their way); a key from someone not
 * (yet) a member waits in pendingKeys for a state that names them.
 */
export function acceptSenderKey (group: StoredGroup, from: string, epoch: number, distribution: Uint8Array): StoredGroup {
  if (!isMember(group.state, from)) {
    const pendingKeys = [...group.pendingKeys.filter((k) => toString(k.distribution, 'hex') !== toString(distribution, 'hex')), { from, epoch, distribution }]
    return { ...group, pendingKeys: pendingKeys.slice(-MAX_PENDING_KEYS) }
  }
  const receiver = receiveSenderKeyDistribution(distribution)
  const id = toString(receiver.signingPublicKey, 'hex')
  if (group.receivers[id] != null) return group
  return { ...group, receivers: { ...group.receivers, [id]: { author: from, epoch, receiver } } }
}

/** After a new state: pending keys of members are taken, keys of people no longer members are dropped. */
export function settleKeys (group: StoredGroup): StoredGroup {
  const receivers = Object.fromEntries(Object.entries(group.receivers).filter(([, r]) => isMember(group.state, r.author)))
  let next: StoredGroup = { ...group, receivers, pendingKeys: [] }
  for (const k of group.pendingKeys) next = acceptSenderKey(next, k.from, k.epoch, k.distribution)
  return next
}

export type Verdict = 'accept' | 'reject' | 'unknown-key'

/**
 * Whether a group message may enter the history: its author is a member and, when we hold
 * the key it names, that key is the author's and signed it. An unknown key is neither proof
 * nor disproof: the message waits, unread, until the key comes.
 */
export function judgeGroupMessage (group: StoredGroup, m: GroupMessage, self: string): Verdict {
  if (!isMember(group.state, m.author) && !Object.values(group.receivers).some((r) => r.author === m.author)) return 'reject'
  const key = signingKeyOf(m)
  if (key == null) return 'reject'
  const own = group.senderKey?.key.signing.publicKey
  if (m.author === self && own != null && toString(own, 'hex') === key) {
    return verifyGroupMessage(own, m.body, groupMessageHeader(m)) ? 'accept' : 'reject'
  }
  const receiver = group.receivers[key]
  if (receiver == null) return 'unknown-key'
  if (receiver.author !== m.author) return 'reject'
  return verifyGroupMessage(receiver.receiver.signingPublicKey, m.body, groupMessageHeader(m)) ? 'accept' : 'reject'
}

/**
 * Reads a delivered message with the key it names, when we hold it. Returns the row to store
 * and the record with that key's position moved on. A message sent before its key reached us
 * stays unread for good ('before-join'); one whose key has not come yet waits ('waiting-key').
 * The claimed send time is kept only when plausible at `receivedAt` (src/core/sent-time.ts);
 * it is only ever shown, as the order is causal.
 */
export function openGroupMessage (group: StoredGroup, m: GroupMessage, encoded: Uint8Array, receivedAt: number): { group: StoredGroup, row: StoredGroupMessage } {
  const base: StoredGroupMessage = { id: m.id, groupId: group.state.groupId, author: m.author, clock: m.clock, encoded }
  const key = signingKeyOf(m)
  const held = key == null ? undefined : group.receivers[key]
  if (key == null || held == null || held.author !== m.author) return { group, row: { ...base, unreadable: 'waiting-key' } }
  try {
    const opened = decryptGroupMessage(held.receiver, m.body, groupMessageHeader(m))
    const content = decodeGroupContent(opened.plaintext)
    const receivers = { ...group.receivers, [key]: { ...held, receiver: opened.receiverState } }
    return { group: { ...group, receivers }, row: { ...base, text: content.text, sentAt: sentAtOnArrival(content.sentAt, receivedAt) } }
  } catch (err) {
    return { group, row: { ...base, unreadable: err instanceof GroupDecryptError && err.reason === 'before-distribution' ? 'before-join' : 'waiting-key' } }
  }
}
