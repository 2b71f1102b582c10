import { toString } from 'uint8arrays'
import { createSenderKey, decryptGroupMessage, groupMessageSigningKey, receiveSenderKeyDistribution, senderKeyDistribution, senderKeyNeedsRotation, verifyGroupMessage } from './sender-key.ts'
import { groupMessageHeader, type GroupMessage } from './group-message.ts'
import { decodeGroupMessage } from './message-codec.ts'
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
 * Where a member's sender key is kept: under the member who presented it AND its signing
 * key (as Signal keeps sender keys by sender). Every member receives every other member's
 * distribution, so anyone can present someone else's signing key as their own; filed under
 * their own name it gives them nothing (they cannot sign with it) and takes nothing from
 * the key's owner, whichever of the two came first.
 */
export const receiverId = (author: string, signingKeyHex: string): string => `${author} ${signingKeyHex}`

/** At most this many keys per member are kept (rotation makes one a week, or per 1,000 messages). */
export const MAX_KEYS_PER_AUTHOR = 8

type Receiver = StoredGroup['receivers'][string]

/** The key `author` presented with this signing key, if any. */
function heldKey (group: StoredGroup, author: string, keyHex: string): { id: string, entry: Receiver } | undefined {
  const id = receiverId(author, keyHex)
  const entry = group.receivers[id]
  if (entry != null) return { id, entry }
  // Records stored before keys were filed by author name the signing key alone.
  const legacy = group.receivers[keyHex]
  return legacy?.author === author ? { id: keyHex, entry: legacy } : undefined
}

/**
 * Takes a member's sender key. A key they presented already is kept as it is (a repeat must
 * not move our reading position forward past messages still on their way); a key from
 * someone not (yet) a member waits in pendingKeys for a state that names them.
 */
export function acceptSenderKey (group: StoredGroup, from: string, epoch: number, distribution: Uint8Array): StoredGroup {
  if (!isMember(group.state, from)) {
    const pendingKeys = [...group.pendingKeys.filter((k) => toString(k.distribution, 'hex') !== toString(distribution, 'hex')), { from, epoch, distribution }]
    return { ...group, pendingKeys: pendingKeys.slice(-MAX_PENDING_KEYS) }
  }
  const receiver = receiveSenderKeyDistribution(distribution)
  const keyHex = toString(receiver.signingPublicKey, 'hex')
  if (heldKey(group, from, keyHex) != null) return group
  const receivers = { ...group.receivers, [receiverId(from, keyHex)]: { author: from, epoch, receiver } }
  // Bounded per member: their oldest keys go first (insertion order is arrival order).
  const theirs = Object.keys(receivers).filter((id) => receivers[id]!.author === from)
  for (const id of theirs.slice(0, Math.max(0, theirs.length - MAX_KEYS_PER_AUTHOR))) delete receivers[id]
  return { ...group, receivers }
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
 * the key it names as that author's, that key signed it. A key that author never presented
 * is neither proof nor disproof: the message waits, unread and shown under no name, until
 * the author's own key comes. (One presented by someone else still tells a bad signature:
 * that is rejected.)
 */
export function judgeGroupMessage (group: StoredGroup, m: GroupMessage, self: string): Verdict {
  if (!isMember(group.state, m.author) && !Object.values(group.receivers).some((r) => r.author === m.author)) return 'reject'
  const key = signingKeyOf(m)
  if (key == null) return 'reject'
  const own = group.senderKey?.key.signing.publicKey
  if (m.author === self && own != null && toString(own, 'hex') === key) {
    return verifyGroupMessage(own, m.body, groupMessageHeader(m)) ? 'accept' : 'reject'
  }
  const held = heldKey(group, m.author, key)
  if (held != null) return verifyGroupMessage(held.entry.receiver.signingPublicKey, m.body, groupMessageHeader(m)) ? 'accept' : 'reject'
  const known = Object.values(group.receivers).find((r) => toString(r.receiver.signingPublicKey, 'hex') === key)
  if (known != null && !verifyGroupMessage(known.receiver.signingPublicKey, m.body, groupMessageHeader(m))) return 'reject'
  return 'unknown-key'
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
  const held = key == null ? undefined : heldKey(group, m.author, key)
  if (key == null || held == null) return { group, row: { ...base, unreadable: 'waiting-key' } }
  try {
    // Verifies the signature before it derives a key: only the author's key opens it.
    const opened = decryptGroupMessage(held.entry.receiver, m.body, groupMessageHeader(m))
    const content = decodeGroupContent(opened.plaintext)
    const receivers = { ...group.receivers }
    delete receivers[held.id]
    receivers[receiverId(m.author, key)] = { ...held.entry, receiver: opened.receiverState }
    return { group: { ...group, receivers }, row: { ...base, text: content.text, sentAt: sentAtOnArrival(content.sentAt, receivedAt) } }
  } catch (err) {
    return { group, row: { ...base, unreadable: err instanceof GroupDecryptError && err.reason === 'before-distribution' ? 'before-join' : 'waiting-key' } }
  }
}

/**
 * A key arrived: the rows that waited for one are opened again, in the order given (render
 * order), each with the key its author presented. Returns the record with the positions
 * moved on and the rows that now read.
 */
export function reopenWaiting (group: StoredGroup, rows: readonly StoredGroupMessage[], receivedAt: number): { group: StoredGroup, opened: StoredGroupMessage[] } {
  let next = group
  const opened: StoredGroupMessage[] = []
  for (const row of rows) {
    if (row.unreadable !== 'waiting-key') continue
    const result = openGroupMessage(next, decodeGroupMessage(row.encoded), row.encoded, receivedAt)
    next = result.group
    if (result.row.unreadable !== 'waiting-key') opened.push(result.row)
  }
  return { group: next, opened }
}
