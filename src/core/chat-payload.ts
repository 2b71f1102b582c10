import { Reader, Writer } from './codec.ts'
import { DecodeError, InvalidEnvelopeError } from './errors.ts'
import { MESSAGE_ID_BYTES } from './message-id.ts'
import { isValidMessageText, NAME_MAX_BYTES, normalizeDisplayName, TEXT_MAX_BYTES } from './text-rules.ts'

/**
 * What a person's message (or its receipt) is inside a session: the plaintext the Double
 * Ratchet encrypts. It carries no signature: the ratchet's AEAD, whose associated data
 * binds both identities, already proves who wrote it to the reader, and only to the reader.
 */
export type ChatPayload =
  | { kind: 'message', id: Uint8Array, sentAt: number, name: string, text: string }
  | { kind: 'receipt', id: Uint8Array, sentAt: number, receiptFor: Uint8Array }

const VERSION = 1
// Wire codes for `kind`; never reuse a retired code.
const KIND_CODES = { message: 1, receipt: 2 } as const
const KINDS = ['message', 'receipt'] as const
export const CHAT_PAYLOAD_MAX_BYTES = 16 * 1024

const malformed = (field: string, cause?: unknown): InvalidEnvelopeError =>
  new InvalidEnvelopeError('malformed', 'A message arrived malformed and was dropped.', { field, cause })

const isId = (b: unknown): b is Uint8Array => b instanceof Uint8Array && b.length === MESSAGE_ID_BYTES

export function encodeChatPayload (payload: ChatPayload): Uint8Array {
  if (!Object.hasOwn(KIND_CODES, payload.kind)) throw malformed('kind')
  if (!isId(payload.id)) throw malformed('id')
  if (!Number.isSafeInteger(payload.sentAt) || payload.sentAt < 0) throw malformed('sentAt')
  const w = new Writer().u8(VERSION).u8(KIND_CODES[payload.kind]).bytes(payload.id).uvarint(payload.sentAt)
  if (payload.kind === 'receipt') {
    if (!isId(payload.receiptFor)) throw malformed('receiptFor')
    w.bytes(payload.receiptFor)
  } else {
    const name = normalizeDisplayName(payload.name)
    if (name === undefined) throw malformed('name')
    if (!isValidMessageText(payload.text)) throw malformed('text')
    w.string(name).string(payload.text)
  }
  return w.finish()
}

export function decodeChatPayload (bytes: Uint8Array): ChatPayload {
  if (!(bytes instanceof Uint8Array)) throw malformed('payload')
  if (bytes.length > CHAT_PAYLOAD_MAX_BYTES) throw new InvalidEnvelopeError('oversize', 'A message over the size limit was dropped.', { field: 'payload' })
  try {
    const r = new Reader(bytes)
    if (r.u8('version') !== VERSION) throw new DecodeError('version', 'unknown payload version')
    const kind = KINDS[r.u8('kind') - 1]
    if (kind === undefined) throw new DecodeError('kind', 'unknown payload kind')
    const id = r.bytes('id', { max: MESSAGE_ID_BYTES, exact: MESSAGE_ID_BYTES })
    const sentAt = r.uvarint('sentAt')
    let payload: ChatPayload
    if (kind === 'receipt') {
      payload = { kind, id, sentAt, receiptFor: r.bytes('receiptFor', { max: MESSAGE_ID_BYTES, exact: MESSAGE_ID_BYTES }) }
    } else {
      const name = normalizeDisplayName(r.string('name', { maxBytes: NAME_MAX_BYTES }))
      if (name === undefined) throw new DecodeError('name', 'not an acceptable display name')
      const text = r.string('text', { maxBytes: TEXT_MAX_BYTES })
      if (!isValidMessageText(text)) throw new DecodeError('text', 'must hold 1 to 4000 characters and not only spaces')
      payload = { kind, id, sentAt, name, text }
    }
    r.done('payload')
    return payload
  } catch (err) {
    if (err instanceof DecodeError) throw malformed(err.field, err)
    throw err
  }
}
