import { ReasonedError } from '../errors.ts'
import { MAX_RATCHET_MESSAGE_BYTES, MAX_RATCHET_PLAINTEXT_BYTES } from './limits.ts'

// Like the rest of core: a small named error, a `reason` callers match on, and a message a
// person can read.

export type DecryptErrorReason =
  | 'header' // no header key of ours opens the header: another session, or far too old
  | 'auth' // the header opened but the body did not: changed on the way, or the wrong ad
  | 'too-many-skipped' // more than MAX_SKIP messages missing before this one
  | 'duplicate' // its message key was used already (or dropped as too old)
  | 'malformed' // not a ratchet message of a version we read
  | 'oversize' // over MAX_RATCHET_MESSAGE_BYTES, dropped before decoding
  | 'weak-key' // the sender's new ratchet key is a low-order point

const DECRYPT_MESSAGES: Record<DecryptErrorReason, string> = {
  header: 'A message could not be read: it belongs to another conversation or is too old.',
  auth: 'A message was changed on the way and was dropped.',
  'too-many-skipped': 'A message came after too many missing ones and could not be read. Ask the sender to send it again.',
  duplicate: 'A message arrived a second time, or too late to be read, and was dropped.',
  malformed: 'A message arrived malformed and was dropped.',
  oversize: `A message over ${MAX_RATCHET_MESSAGE_BYTES} bytes was dropped.`,
  'weak-key': 'A message carried an unusable key and was dropped.'
}

/** A received ratchet message was refused; the session state is as it was before. */
export class DecryptError extends ReasonedError<DecryptErrorReason> {
  override name = 'DecryptError'
  constructor (reason: DecryptErrorReason, options: { cause?: unknown } = {}) {
    super(reason, DECRYPT_MESSAGES[reason], options)
  }
}

export type EncryptErrorReason =
  | 'not-ready' // the responder sends only after it has read the initiator's first message
  | 'oversize' // plaintext over MAX_RATCHET_PLAINTEXT_BYTES
  | 'exhausted' // 2^32 - 1 messages in one sending chain

const ENCRYPT_MESSAGES: Record<EncryptErrorReason, string> = {
  'not-ready': 'This conversation can send once the first message from the other side has been read.',
  oversize: `A message can hold at most ${MAX_RATCHET_PLAINTEXT_BYTES} bytes.`,
  exhausted: 'This conversation has sent too many messages without a reply and must be restarted.'
}

/** A message could not be encrypted; the session state is as it was before. */
export class EncryptError extends ReasonedError<EncryptErrorReason> {
  override name = 'EncryptError'
  constructor (reason: EncryptErrorReason) {
    super(reason, ENCRYPT_MESSAGES[reason])
  }
}
