import { Reader, Writer } from '../codec.ts'
import { DecodeError, InvalidEnvelopeError } from '../errors.ts'
import { isValidMessageText, TEXT_MAX_BYTES } from '../text-rules.ts'

// What a group message says, before the sender key seals it: when its author wrote it, and
// the text. Who wrote it is the message's author field, which the signature covers.

export interface GroupContent {
  readonly sentAt: number
  readonly text: string
}

const VERSION = 1

const malformed = (field: string, cause?: unknown): InvalidEnvelopeError =>
  new InvalidEnvelopeError('malformed', 'A group message arrived malformed and was dropped.', { field, cause })

export function encodeGroupContent (c: GroupContent): Uint8Array {
  if (!Number.isSafeInteger(c.sentAt) || c.sentAt < 0) throw malformed('sentAt')
  if (!isValidMessageText(c.text)) throw malformed('text')
  return new Writer().u8(VERSION).uvarint(c.sentAt).string(c.text).finish()
}

export function decodeGroupContent (bytes: Uint8Array): GroupContent {
  try {
    const r = new Reader(bytes)
    if (r.u8('version') !== VERSION) throw new DecodeError('version', 'unknown group content version')
    const sentAt = r.uvarint('sentAt')
    const text = r.string('text', { maxBytes: TEXT_MAX_BYTES })
    if (!isValidMessageText(text)) throw new DecodeError('text', 'must hold 1 to 4000 characters and not only spaces')
    r.done('content')
    return { sentAt, text }
  } catch (err) {
    if (err instanceof DecodeError) throw malformed(err.field, err)
    throw err
  }
}
