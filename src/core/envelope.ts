import { equals, fromString, toString } from 'uint8arrays'
import { PUBLIC_KEY_BYTES, randomBytes, type RandomSource } from '../crypto/index.ts'
import { Reader, Writer, utf8 } from './codec.ts'
import { DecodeError, InvalidEnvelopeError } from './errors.ts'
import { assertFrameSize, MAX_FRAME_BYTES } from './frame.ts'
import type { Identity } from './identity.ts'
import { appendSignature, hasValidSignature, splitSignature } from './signed-record.ts'
import { isValidMessageText, NAME_MAX_BYTES, normalizeDisplayName, TEXT_MAX_BYTES } from './text-rules.ts'

// What travels on `/murmur/dm/1.0.0`. Envelopes are signed by the sender's identity key;
// end-to-end encryption wraps them in a later protocol version.

export type DmEnvelope =
  | { kind: 'hello', from: Uint8Array, to: Uint8Array, id: Uint8Array, sentAt: number, name: string, peerId: string }
  | { kind: 'message', from: Uint8Array, to: Uint8Array, id: Uint8Array, sentAt: number, name: string, text: string }
  | { kind: 'receipt', from: Uint8Array, to: Uint8Array, id: Uint8Array, sentAt: number, receiptFor: Uint8Array }

type WithoutFrom<T> = T extends unknown ? Omit<T, 'from'> : never
/** An envelope as its sender writes it: `from` is always the signing identity. */
export type DmEnvelopeFields = WithoutFrom<DmEnvelope>

export const MESSAGE_ID_BYTES = 16
export const PEER_ID_MAX_BYTES = 256
const ENVELOPE_VERSION = 1
const CONTEXT = 'murmur/dm/v1'
// Wire codes for `kind`; never reuse a retired code.
const KIND_CODES = { hello: 1, message: 2, receipt: 3 } as const
const KINDS = ['hello', 'message', 'receipt'] as const

const MESSAGES = {
  malformed: 'A direct message arrived malformed and was dropped.',
  oversize: `A direct message over ${MAX_FRAME_BYTES} bytes was dropped.`,
  signature: 'A direct message was not signed by its sender and was dropped.',
  'not-for-me': 'A direct message addressed to someone else was dropped.'
} as const

const malformed = (field: string, cause?: unknown): InvalidEnvelopeError =>
  new InvalidEnvelopeError('malformed', MESSAGES.malformed, { field, cause })

export function newMessageId (random: RandomSource = randomBytes): Uint8Array {
  const id = Uint8Array.from(random(MESSAGE_ID_BYTES))
  if (id.length !== MESSAGE_ID_BYTES) throw new TypeError(`random source returned ${id.length} bytes, not ${MESSAGE_ID_BYTES}`)
  return id
}

export function messageIdToString (id: Uint8Array): string {
  return toString(id, 'hex')
}

/** The inverse of messageIdToString, for ids read back from storage. */
export function messageIdFromString (text: string): Uint8Array {
  if (typeof text !== 'string' || !/^[0-9a-f]{32}$/.test(text)) throw new DecodeError('messageId', 'must be 32 lowercase hex digits')
  return fromString(text, 'hex')
}

const isBytes = (b: Uint8Array, length: number): boolean => b instanceof Uint8Array && b.length === length

function assertFields (fields: DmEnvelopeFields): { name?: string } {
  if (!Object.hasOwn(KIND_CODES, fields.kind)) throw malformed('kind')
  if (!isBytes(fields.to, PUBLIC_KEY_BYTES)) throw malformed('to')
  if (!isBytes(fields.id, MESSAGE_ID_BYTES)) throw malformed('id')
  if (!Number.isSafeInteger(fields.sentAt) || fields.sentAt < 0) throw malformed('sentAt')
  if (fields.kind === 'receipt') {
    if (!isBytes(fields.receiptFor, MESSAGE_ID_BYTES)) throw malformed('receiptFor')
    return {}
  }
  const name = normalizeDisplayName(fields.name)
  if (name === undefined) throw malformed('name')
  if (fields.kind === 'hello') {
    if (typeof fields.peerId !== 'string' || fields.peerId.length === 0 || utf8(fields.peerId).length > PEER_ID_MAX_BYTES) throw malformed('peerId')
  } else if (!isValidMessageText(fields.text)) {
    throw malformed('text')
  }
  return { name }
}

/** Signs an envelope from `identity`; refuses fields a receiver would reject. */
export function encodeEnvelope (identity: Identity, fields: DmEnvelopeFields): Uint8Array {
  const { name } = assertFields(fields)
  const w = new Writer()
    .u8(ENVELOPE_VERSION)
    .u8(KIND_CODES[fields.kind])
    .bytes(identity.publicKey)
    .bytes(fields.to)
    .bytes(fields.id)
    .uvarint(fields.sentAt)
  if (fields.kind === 'receipt') w.bytes(fields.receiptFor)
  else if (fields.kind === 'hello') w.string(name!).string(fields.peerId)
  else w.string(name!).string(fields.text)
  const frame = appendSignature(identity, CONTEXT, w.finish())
  // The field caps keep every envelope far below a frame; this guards that arithmetic.
  assertFrameSize(frame.length)
  return frame
}

function parseBody (body: Uint8Array): DmEnvelope {
  const r = new Reader(body)
  if (r.u8('version') !== ENVELOPE_VERSION) throw new DecodeError('version', 'unknown envelope version')
  const kind = KINDS[r.u8('kind') - 1]
  if (kind === undefined) throw new DecodeError('kind', 'unknown envelope kind')
  const from = r.bytes('from', { max: PUBLIC_KEY_BYTES, exact: PUBLIC_KEY_BYTES })
  const to = r.bytes('to', { max: PUBLIC_KEY_BYTES, exact: PUBLIC_KEY_BYTES })
  const id = r.bytes('id', { max: MESSAGE_ID_BYTES, exact: MESSAGE_ID_BYTES })
  const sentAt = r.uvarint('sentAt')
  let envelope: DmEnvelope
  if (kind === 'receipt') {
    const receiptFor = r.bytes('receiptFor', { max: MESSAGE_ID_BYTES, exact: MESSAGE_ID_BYTES })
    envelope = { kind, from, to, id, sentAt, receiptFor }
  } else {
    const name = normalizeDisplayName(r.string('name', { maxBytes: NAME_MAX_BYTES }))
    if (name === undefined) throw new DecodeError('name', 'not an acceptable display name')
    if (kind === 'hello') {
      const peerId = r.string('peerId', { maxBytes: PEER_ID_MAX_BYTES })
      if (peerId.length === 0) throw new DecodeError('peerId', 'is empty')
      envelope = { kind, from, to, id, sentAt, name, peerId }
    } else {
      const text = r.string('text', { maxBytes: TEXT_MAX_BYTES })
      if (!isValidMessageText(text)) throw new DecodeError('text', 'must hold 1 to 4000 characters and not only spaces')
      envelope = { kind, from, to, id, sentAt, name, text }
    }
  }
  r.done('envelope')
  return envelope
}

/**
 * Decodes and fully checks one received frame. With `self`, an envelope addressed to any
 * other identity is refused, so a signed envelope cannot be replayed to a third party.
 */
export function decodeEnvelope (bytes: Uint8Array, options: { self?: Uint8Array } = {}): DmEnvelope {
  if (!(bytes instanceof Uint8Array)) throw malformed('frame')
  if (bytes.length > MAX_FRAME_BYTES) throw new InvalidEnvelopeError('oversize', MESSAGES.oversize, { field: 'frame' })
  const parts = splitSignature(bytes)
  if (parts === undefined) throw malformed('signature')
  let envelope: DmEnvelope
  try {
    envelope = parseBody(parts.body)
  } catch (err) {
    if (err instanceof DecodeError) throw malformed(err.field, err)
    throw err
  }
  // Cheap checks first, the signature last.
  if (options.self !== undefined && !equals(envelope.to, options.self)) {
    throw new InvalidEnvelopeError('not-for-me', MESSAGES['not-for-me'], { field: 'to' })
  }
  if (!hasValidSignature(CONTEXT, parts.body, parts.signature, envelope.from)) {
    throw new InvalidEnvelopeError('signature', MESSAGES.signature, { field: 'signature' })
  }
  return envelope
}
