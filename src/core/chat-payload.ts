import { Reader, Writer } from './codec.ts'
import { DecodeError, InvalidEnvelopeError } from './errors.ts'
import { MESSAGE_ID_BYTES } from './message-id.ts'
import { isValidMessageText, NAME_MAX_BYTES, normalizeDisplayName, TEXT_MAX_BYTES } from './text-rules.ts'
import { isPushGateway, isPushNote, PUSH_FIELD_MAX_BYTES } from './push-token.ts'

/**
 * What a person's message (or its receipts) is inside a session: the plaintext the Double
 * Ratchet encrypts. It carries no signature: the ratchet's AEAD, whose associated data
 * binds both identities, already proves who wrote it to the reader, and only to the reader.
 *
 * Receipts come in batches: a person returning to 100 messages from their mailbox answers
 * with one payload, not 100 (each one is a ratchet step and, when the sender is offline in
 * turn, a mailbox entry). `read` lists messages the person has seen, when they share that.
 */
export type ChatPayload =
  | { kind: 'message', id: Uint8Array, sentAt: number, name: string, text: string }
  | { kind: 'receipts', id: Uint8Array, sentAt: number, delivered: Uint8Array[], read: Uint8Array[] }
  /** Group membership and keys (src/core/group/group-control.ts), opaque at this layer. */
  | { kind: 'group', id: Uint8Array, sentAt: number, control: Uint8Array }
  /**
   * How to wake the writer (src/core/push-token.ts): the origin of the push gateway that
   * issued their token, and the token. Only contacts learn it, only inside the session;
   * both empty withdraws an earlier one.
   */
  | { kind: 'push', id: Uint8Array, sentAt: number, gateway: string, token: string }

const VERSION = 1
// Wire codes for `kind`; never reuse a retired code (2 was a single delivery receipt).
const KIND_CODES = { message: 1, receipts: 3, push: 4, group: 5 } as const
export const CHAT_PAYLOAD_MAX_BYTES = 16 * 1024
/** Ids per list in one receipts payload: 256 ids are 4 KiB, well inside a payload. */
export const RECEIPT_IDS_MAX = 256
/** A group control message: a state of 32 members with long names still fits. */
export const GROUP_CONTROL_MAX_BYTES = 15 * 1024

const malformed = (field: string, cause?: unknown): InvalidEnvelopeError =>
  new InvalidEnvelopeError('malformed', 'A message arrived malformed and was dropped.', { field, cause })

const isId = (b: unknown): b is Uint8Array => b instanceof Uint8Array && b.length === MESSAGE_ID_BYTES
const isIdList = (list: unknown): list is Uint8Array[] =>
  Array.isArray(list) && list.length <= RECEIPT_IDS_MAX && list.every(isId)

export function encodeChatPayload (payload: ChatPayload): Uint8Array {
  if (!Object.hasOwn(KIND_CODES, payload.kind)) throw malformed('kind')
  if (!isId(payload.id)) throw malformed('id')
  if (!Number.isSafeInteger(payload.sentAt) || payload.sentAt < 0) throw malformed('sentAt')
  const w = new Writer().u8(VERSION).u8(KIND_CODES[payload.kind]).bytes(payload.id).uvarint(payload.sentAt)
  if (payload.kind === 'receipts') {
    if (!isIdList(payload.delivered)) throw malformed('delivered')
    if (!isIdList(payload.read)) throw malformed('read')
    if (payload.delivered.length + payload.read.length === 0) throw malformed('delivered')
    for (const list of [payload.delivered, payload.read]) {
      w.uvarint(list.length)
      for (const id of list) w.bytes(id)
    }
  } else if (payload.kind === 'group') {
    if (!(payload.control instanceof Uint8Array) || payload.control.length === 0 || payload.control.length > GROUP_CONTROL_MAX_BYTES) throw malformed('control')
    w.bytes(payload.control)
  } else if (payload.kind === 'push') {
    if (!isPushNote(payload.gateway, payload.token)) throw malformed(isPushGateway(payload.gateway) || payload.gateway === '' ? 'token' : 'gateway')
    w.string(payload.gateway).string(payload.token)
  } else {
    const name = normalizeDisplayName(payload.name)
    if (name === undefined) throw malformed('name')
    if (!isValidMessageText(payload.text)) throw malformed('text')
    w.string(name).string(payload.text)
  }
  return w.finish()
}

function readIds (r: Reader, field: string): Uint8Array[] {
  const count = r.count(field, RECEIPT_IDS_MAX)
  return Array.from({ length: count }, () => r.bytes(field, { max: MESSAGE_ID_BYTES, exact: MESSAGE_ID_BYTES }))
}

export function decodeChatPayload (bytes: Uint8Array): ChatPayload {
  if (!(bytes instanceof Uint8Array)) throw malformed('payload')
  if (bytes.length > CHAT_PAYLOAD_MAX_BYTES) throw new InvalidEnvelopeError('oversize', 'A message over the size limit was dropped.', { field: 'payload' })
  try {
    const r = new Reader(bytes)
    if (r.u8('version') !== VERSION) throw new DecodeError('version', 'unknown payload version')
    const code = r.u8('kind')
    if (code !== KIND_CODES.message && code !== KIND_CODES.receipts && code !== KIND_CODES.group && code !== KIND_CODES.push) throw new DecodeError('kind', 'unknown payload kind')
    const id = r.bytes('id', { max: MESSAGE_ID_BYTES, exact: MESSAGE_ID_BYTES })
    const sentAt = r.uvarint('sentAt')
    let payload: ChatPayload
    if (code === KIND_CODES.receipts) {
      const delivered = readIds(r, 'delivered')
      const read = readIds(r, 'read')
      if (delivered.length + read.length === 0) throw new DecodeError('delivered', 'a receipts payload lists no message')
      payload = { kind: 'receipts', id, sentAt, delivered, read }
    } else if (code === KIND_CODES.group) {
      const control = r.bytes('control', { max: GROUP_CONTROL_MAX_BYTES })
      if (control.length === 0) throw new DecodeError('control', 'is empty')
      payload = { kind: 'group', id, sentAt, control }
    } else if (code === KIND_CODES.push) {
      const gateway = r.string('gateway', { maxBytes: PUSH_FIELD_MAX_BYTES })
      const token = r.string('token', { maxBytes: PUSH_FIELD_MAX_BYTES })
      if (!isPushNote(gateway, token)) {
        throw isPushGateway(gateway) || gateway === ''
          ? new DecodeError('token', 'must be base64url, or empty together with the gateway')
          : new DecodeError('gateway', 'must be an https origin (http only on loopback)')
      }
      payload = { kind: 'push', id, sentAt, gateway, token }
    } else {
      const name = normalizeDisplayName(r.string('name', { maxBytes: NAME_MAX_BYTES }))
      if (name === undefined) throw new DecodeError('name', 'not an acceptable display name')
      const text = r.string('text', { maxBytes: TEXT_MAX_BYTES })
      if (!isValidMessageText(text)) throw new DecodeError('text', 'must hold 1 to 4000 characters and not only spaces')
      payload = { kind: 'message', id, sentAt, name, text }
    }
    r.done('payload')
    return payload
  } catch (err) {
    if (err instanceof DecodeError) throw malformed(err.field, err)
    throw err
  }
}
