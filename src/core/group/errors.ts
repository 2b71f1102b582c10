import { ReasonedError } from '../errors.ts'
import { MAX_GROUP_MESSAGE_BYTES, MAX_GROUP_PLAINTEXT_BYTES, MAX_SKIP } from './limits.ts'

// Like the rest of core: small named errors, a `reason` callers match on, a message a person
// can read, and (where one field is at fault) the field's name.

export type GroupOrderErrorReason =
  | 'malformed' // a field has the wrong type, length or range; `field` names it
  | 'id-mismatch' // the id is not the content hash of the message
  | 'self-parent' // the message names its own id as a parent
  | 'duplicate-parent' // the same parent twice
  | 'too-many-parents' // more than MAX_PARENTS
  | 'clock-too-large' // above MAX_CLOCK
  | 'clock-not-after-parent' // not greater than the clock of a parent we know
  | 'clock-jump' // more than MAX_CLOCK_STEP above every parent we know

const ORDER_MESSAGES: Record<GroupOrderErrorReason, string> = {
  malformed: 'A group message arrived malformed and was dropped.',
  'id-mismatch': 'A group message did not match its id and was dropped.',
  'self-parent': 'A group message claimed to follow itself and was dropped.',
  'duplicate-parent': 'A group message named the same earlier message twice and was dropped.',
  'too-many-parents': 'A group message named too many earlier messages and was dropped.',
  'clock-too-large': 'A group message carried an impossible position in the history and was dropped.',
  'clock-not-after-parent': 'A group message claimed to come before a message it answers and was dropped.',
  'clock-jump': 'A group message tried to jump ahead in the history and was dropped.'
}

/** A group message was refused by the causal order; the history is as it was before. */
export class GroupOrderError extends ReasonedError<GroupOrderErrorReason> {
  override name = 'GroupOrderError'
  constructor (reason: GroupOrderErrorReason, options: { field?: string, cause?: unknown } = {}) {
    super(reason, ORDER_MESSAGES[reason], options)
  }
}

export type GroupDecryptErrorReason =
  | 'malformed' // not a group message of a version we read; `field` names what failed
  | 'oversize' // over MAX_GROUP_MESSAGE_BYTES, dropped before decoding
  | 'wrong-key' // made with another sender key than this receiver state holds
  | 'signature' // not signed by the sender key's owner: forged, or changed on the way
  | 'auth' // signed, but the ciphertext did not open (the sender used a wrong chain)
  | 'duplicate' // its message key was used already, or dropped as too old
  | 'too-many-skipped' // more than MAX_SKIP messages missing before this one
  | 'before-distribution' // sent before the sender key reached us; its key is not derivable

const DECRYPT_MESSAGES: Record<GroupDecryptErrorReason, string> = {
  malformed: 'A group message arrived malformed and was dropped.',
  oversize: `A group message over ${MAX_GROUP_MESSAGE_BYTES} bytes was dropped.`,
  'wrong-key': 'A group message used a key we do not have. Ask its sender to share their group key again.',
  signature: 'A group message was not signed by its sender and was dropped.',
  auth: 'A group message could not be opened and was dropped.',
  duplicate: 'A group message arrived a second time, or too late to be read, and was dropped.',
  'too-many-skipped': `A group message came after more than ${MAX_SKIP} missing ones and could not be read.`,
  'before-distribution': 'A group message was sent before its sender shared their key with us and cannot be read.'
}

/** A group message could not be decrypted; the receiver state is as it was before. */
export class GroupDecryptError extends ReasonedError<GroupDecryptErrorReason> {
  override name = 'GroupDecryptError'
  constructor (reason: GroupDecryptErrorReason, options: { field?: string, cause?: unknown } = {}) {
    super(reason, DECRYPT_MESSAGES[reason], options)
  }
}

export type GroupEncryptErrorReason =
  | 'oversize' // plaintext over MAX_GROUP_PLAINTEXT_BYTES
  | 'exhausted' // the chain reached MAX_ITERATION; the app must create a new sender key

const ENCRYPT_MESSAGES: Record<GroupEncryptErrorReason, string> = {
  oversize: `A group message can hold at most ${MAX_GROUP_PLAINTEXT_BYTES} bytes.`,
  exhausted: 'This group key has sent too many messages; a new one must be shared first.'
}

/** A group message could not be encrypted; the sender key is as it was before. */
export class GroupEncryptError extends ReasonedError<GroupEncryptErrorReason> {
  override name = 'GroupEncryptError'
  constructor (reason: GroupEncryptErrorReason) {
    super(reason, ENCRYPT_MESSAGES[reason])
  }
}

export type InvalidSenderKeyReason = 'malformed' | 'oversize'

/** A sender key distribution (or a stored sender key) could not be read. */
export class InvalidSenderKeyError extends ReasonedError<InvalidSenderKeyReason> {
  override name = 'InvalidSenderKeyError'
  constructor (reason: InvalidSenderKeyReason, options: { field?: string, cause?: unknown } = {}) {
    super(reason, reason === 'oversize'
      ? 'A group key that was shared with us is too large and was ignored.'
      : 'A group key that was shared with us is malformed and was ignored.', options)
  }
}

export type GroupStateErrorReason =
  | 'malformed' // a field of a state or control message is wrong; `field` names it
  | 'too-many-members' // more than MAX_GROUP_MEMBERS
  | 'admin-not-member' // the admin a state names is not among its members
  | 'not-admin' // a state from someone other than the group's admin
  | 'stale' // an epoch older than ours, or a different state for our epoch
  | 'already-member' // adding someone who is in the group
  | 'not-member' // removing someone who is not
  | 'last-member' // the last member cannot be removed; they leave

const STATE_MESSAGES: Record<GroupStateErrorReason, string> = {
  malformed: 'A group update arrived malformed and was ignored.',
  'too-many-members': 'A group has at most 32 members.',
  'admin-not-member': 'A group update named an admin outside the group and was ignored.',
  'not-admin': 'A group update came from someone who does not run the group and was ignored.',
  stale: 'An out-of-date group update was ignored.',
  'already-member': 'That person is in the group already.',
  'not-member': 'That person is not in the group.',
  'last-member': 'The last member of a group leaves it rather than being removed.'
}

/** A group state or membership change was refused; nothing changed. */
export class GroupStateError extends ReasonedError<GroupStateErrorReason> {
  override name = 'GroupStateError'
  constructor (reason: GroupStateErrorReason, options: { field?: string, cause?: unknown } = {}) {
    super(reason, STATE_MESSAGES[reason], options)
  }
}
