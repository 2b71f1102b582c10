import { equals } from 'uint8arrays'
import { isBytes, PUBLIC_KEY_BYTES } from '../crypto/index.ts'
import { Reader, Writer, utf8 } from './codec.ts'
import { DecodeError, InvalidEnvelopeError } from './errors.ts'
import { assertFrameSize, MAX_FRAME_BYTES } from './frame.ts'
import type { Identity } from './identity.ts'
import { MESSAGE_ID_BYTES } from './message-id.ts'
import { appendSignature, hasValidSignature, splitSignature } from './signed-record.ts'
import { NAME_MAX_BYTES, normalizeDisplayName } from './text-rules.ts'

// What travels on `/murmur/dm/1.0.0`:
// - hello: signed by the sender's identity key; it binds a link to an identity (it names the
//   receiver and the sender's PeerId, so it cannot be replayed to anyone else or elsewhere).
// - sealed: an end-to-end encrypted session payload (src/core/session). Not signed: the
//   Double Ratchet authenticates it to the reader alone.

export type DmEnvelope =
  | { kind: 'hello', from: Uint8Array, to: Uint8Array, id: Uint8Array, sentAt: number, name: string, peerId: string }
  | { kind: 'sealed', from: Uint8Array, to: Uint8Array, payload: Uint8Array }

type WithoutFrom<T> = T extends unknown ? Omit<T, 'from'> : never
/** An envelope as its sender writes it: `from` is always the writing identity. */
export type DmEnvelopeFields = WithoutFrom<DmEnvelope>

export const PEER_ID_MAX_BYTES = 256
const ENVELOPE_VERSION = 1
const CONTEXT = 'murmur/dm/v1'
// Wire codes for `kind`; never reuse a retired code (2 and 3 were the plaintext
// message and receipt of the walking skeleton).
const HELLO = 1
const SEALED = 4
/** Room for the sealed payload inside a frame: version, kind, two keys, a length prefix. */
export const SEALED_PAYLOAD_MAX_BYTES = MAX_FRAME_BYTES - 2 - 2 * (1 + PUBLIC_KEY_BYTES) - 4

const MESSAGES = {
  malformed: 'A direct message arrived malformed and was dropped.',
  oversize: `A direct message over ${MAX_FRAME_BYTES} bytes was dropped.`,
  signature: 'A direct message was not signed by its sender and was dropped.',
  'not-for-me': 'A direct message addressed to someone else was dropped.'
} as const

const malformed = (field: string, cause?: unknown): InvalidEnvelopeError =>
  new InvalidEnvelopeError('malformed', MESSAGES.malformed, { field, cause })

/** Writes an envelope from `identity` (signing a hello); refuses fields a receiver would reject. */
export function encodeEnvelope (identity: Identity, fields: DmEnvelopeFields): Uint8Array {
  if (fields.kind !== 'hello' && fields.kind !== 'sealed') throw malformed('kind')
  if (!isBytes(fields.to, PUBLIC_KEY_BYTES)) throw malformed('to')
  const w = new Writer().u8(ENVELOPE_VERSION).u8(fields.kind === 'hello' ? HELLO : SEALED).bytes(identity.publicKey).bytes(fields.to)
  if (fields.kind === 'sealed') {
    if (!(fields.payload instanceof Uint8Array) || fields.payload.length === 0 || fields.payload.length > SEALED_PAYLOAD_MAX_BYTES) throw malformed('payload')
    const frame = w.bytes(fields.payload).finish()
    assertFrameSize(frame.length)
    return frame
  }
  if (!isBytes(fields.id, MESSAGE_ID_BYTES)) throw malformed('id')
  if (!Number.isSafeInteger(fields.sentAt) || fields.sentAt < 0) throw malformed('sentAt')
  const name = normalizeDisplayName(fields.name)
  if (name === undefined) throw malformed('name')
  if (typeof fields.peerId !== 'string' || fields.peerId.length === 0 || utf8(fields.peerId).length > PEER_ID_MAX_BYTES) throw malformed('peerId')
  w.bytes(fields.id).uvarint(fields.sentAt).string(name).string(fields.peerId)
  return appendSignature(identity, CONTEXT, w.finish())
}

function parseHead (r: Reader): { kind: number, from: Uint8Array, to: Uint8Array } {
  if (r.u8('version') !== ENVELOPE_VERSION) throw new DecodeError('version', 'unknown envelope version')
  const kind = r.u8('kind')
  if (kind !== HELLO && kind !== SEALED) throw new DecodeError('kind', 'unknown envelope kind')
  const from = r.bytes('from', { max: PUBLIC_KEY_BYTES, exact: PUBLIC_KEY_BYTES })
  const to = r.bytes('to', { max: PUBLIC_KEY_BYTES, exact: PUBLIC_KEY_BYTES })
  return { kind, from, to }
}

function parseHello (body: Uint8Array): DmEnvelope {
  const r = new Reader(body)
  const { kind, from, to } = parseHead(r)
  if (kind !== HELLO) throw new DecodeError('kind', 'unknown envelope kind')
  const id = r.bytes('id', { max: MESSAGE_ID_BYTES, exact: MESSAGE_ID_BYTES })
  const sentAt = r.uvarint('sentAt')
  const name = normalizeDisplayName(r.string('name', { maxBytes: NAME_MAX_BYTES }))
  if (name === undefined) throw new DecodeError('name', 'not an acceptable display name')
  const peerId = r.string('peerId', { maxBytes: PEER_ID_MAX_BYTES })
  if (peerId.length === 0) throw new DecodeError('peerId', 'is empty')
  r.done('envelope')
  return { kind: 'hello', from, to, id, sentAt, name, peerId }
}

function parseSealed (bytes: Uint8Array): DmEnvelope {
  const r = new Reader(bytes)
  const { from, to } = parseHead(r)
  const payload = r.bytes('payload', { max: SEALED_PAYLOAD_MAX_BYTES })
  if (payload.length === 0) throw new DecodeError('payload', 'is empty')
  r.done('envelope')
  return { kind: 'sealed', from, to, payload }
}

/**
 * Decodes and fully checks one received frame. With `self`, an envelope addressed to any
 * other identity is refused, so a signed hello cannot be replayed to a third party.
 */
export function decodeEnvelope (bytes: Uint8Array, options: { self?: Uint8Array } = {}): DmEnvelope {
  if (!(bytes instanceof Uint8Array)) throw malformed('frame')
  if (bytes.length > MAX_FRAME_BYTES) throw new InvalidEnvelopeError('oversize', MESSAGES.oversize, { field: 'frame' })
  let envelope: DmEnvelope
  let signed: { body: Uint8Array, signature: Uint8Array } | undefined
  try {
    if (bytes.length < 2) throw new DecodeError(bytes.length === 0 ? 'version' : 'kind', 'too short')
    if (bytes[1] === SEALED) {
      envelope = parseSealed(bytes)
    } else {
      signed = splitSignature(bytes)
      if (signed === undefined) throw new DecodeError('signature', 'missing')
      envelope = parseHello(signed.body)
    }
  } catch (err) {
    if (err instanceof DecodeError) throw malformed(err.field, err)
    throw err
  }
  // Cheap checks first, the signature last.
  if (options.self !== undefined && !equals(envelope.to, options.self)) {
    throw new InvalidEnvelopeError('not-for-me', MESSAGES['not-for-me'], { field: 'to' })
  }
  if (signed !== undefined && !hasValidSignature(CONTEXT, signed.body, signed.signature, envelope.from)) {
    throw new InvalidEnvelopeError('signature', MESSAGES.signature, { field: 'signature' })
  }
  return envelope
}
