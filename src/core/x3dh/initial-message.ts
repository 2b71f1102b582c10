import { isBytes, PUBLIC_KEY_BYTES, SIGNATURE_BYTES } from '../../crypto/index.ts'
import { Reader, Writer } from '../codec.ts'
import { DecodeError } from '../errors.ts'
import { DH_KEY_BYTES, verifyDhIdentity } from './dh-identity.ts'
import { InvalidInitialMessageError } from './errors.ts'
import { PREKEY_ID_MAX } from './prekey.ts'

// X3DH section 3.3: the initiator's first message names its identity keys, its ephemeral key
// and the prekey it used, and carries the first Double Ratchet message. It is not signed: the
// ratchet message's AEAD, keyed by the X3DH secrets and bound to the identities by the
// associated data, is what authenticates it. It travels in a direct-message envelope or a
// mailbox record.

export interface InitialMessage {
  version: number
  identityKey: Uint8Array
  dhIdentityKey: Uint8Array
  dhIdentitySignature: Uint8Array
  ephemeralPublic: Uint8Array
  prekeyId: number
  /** The first ratchet message, opaque here. */
  ratchetMessage: Uint8Array
}

export type InitialMessageFields = Omit<InitialMessage, 'version'>

export const INITIAL_MESSAGE_VERSION = 1
export const RATCHET_MESSAGE_MAX_BYTES = 60 * 1024
const VARINT_BYTES_FOR_U32 = 5
const VARINT_BYTES_FOR_RATCHET_LENGTH = 3
/** Every field at its largest; fits in a 64 KiB frame with room for the envelope around it. */
export const INITIAL_MESSAGE_MAX_BYTES = 1 +
  (1 + PUBLIC_KEY_BYTES) + (1 + DH_KEY_BYTES) + (1 + SIGNATURE_BYTES) + (1 + DH_KEY_BYTES) +
  VARINT_BYTES_FOR_U32 + VARINT_BYTES_FOR_RATCHET_LENGTH + RATCHET_MESSAGE_MAX_BYTES

const MESSAGES = {
  malformed: 'The first message of a new conversation arrived malformed and was dropped.',
  oversize: `The first message of a new conversation is larger than ${INITIAL_MESSAGE_MAX_BYTES} bytes and was dropped.`,
  signature: 'The first message of a new conversation carries a key its sender did not sign, and was dropped.'
} as const

const malformed = (field: string, cause?: unknown): InvalidInitialMessageError =>
  new InvalidInitialMessageError('malformed', MESSAGES.malformed, { field, cause })

export function encodeInitialMessage (fields: InitialMessageFields): Uint8Array {
  if (!isBytes(fields.identityKey, PUBLIC_KEY_BYTES)) throw malformed('identityKey')
  if (!isBytes(fields.dhIdentityKey, DH_KEY_BYTES)) throw malformed('dhIdentityKey')
  if (!isBytes(fields.dhIdentitySignature, SIGNATURE_BYTES)) throw malformed('dhIdentitySignature')
  if (!isBytes(fields.ephemeralPublic, DH_KEY_BYTES)) throw malformed('ephemeralPublic')
  if (!Number.isSafeInteger(fields.prekeyId) || fields.prekeyId < 0 || fields.prekeyId > PREKEY_ID_MAX) throw malformed('prekeyId')
  if (!(fields.ratchetMessage instanceof Uint8Array)) throw malformed('ratchetMessage')
  if (fields.ratchetMessage.length > RATCHET_MESSAGE_MAX_BYTES) {
    throw new InvalidInitialMessageError('oversize', MESSAGES.oversize, { field: 'ratchetMessage' })
  }
  return new Writer()
    .u8(INITIAL_MESSAGE_VERSION)
    .bytes(fields.identityKey)
    .bytes(fields.dhIdentityKey)
    .bytes(fields.dhIdentitySignature)
    .bytes(fields.ephemeralPublic)
    .uvarint(fields.prekeyId)
    .bytes(fields.ratchetMessage)
    .finish()
}

function parse (bytes: Uint8Array): InitialMessage {
  const r = new Reader(bytes)
  const version = r.u8('version')
  if (version !== INITIAL_MESSAGE_VERSION) throw new DecodeError('version', 'unknown initial message version')
  const identityKey = r.bytes('identityKey', { max: PUBLIC_KEY_BYTES, exact: PUBLIC_KEY_BYTES })
  const dhIdentityKey = r.bytes('dhIdentityKey', { max: DH_KEY_BYTES, exact: DH_KEY_BYTES })
  const dhIdentitySignature = r.bytes('dhIdentitySignature', { max: SIGNATURE_BYTES, exact: SIGNATURE_BYTES })
  const ephemeralPublic = r.bytes('ephemeralPublic', { max: DH_KEY_BYTES, exact: DH_KEY_BYTES })
  const prekeyId = r.uvarint('prekeyId')
  if (prekeyId > PREKEY_ID_MAX) throw new DecodeError('prekeyId', `is larger than ${PREKEY_ID_MAX}`)
  const ratchetMessage = r.bytes('ratchetMessage', { max: RATCHET_MESSAGE_MAX_BYTES })
  r.done('initial message')
  return { version, identityKey, dhIdentityKey, dhIdentitySignature, ephemeralPublic, prekeyId, ratchetMessage }
}

/**
 * Reads an initial message, size first, and checks that its X25519 identity key is signed by
 * its Ed25519 identity key (x3dhRespond checks again, so no caller can skip it).
 */
export function decodeInitialMessage (bytes: Uint8Array): InitialMessage {
  if (!(bytes instanceof Uint8Array)) throw malformed('message')
  if (bytes.length > INITIAL_MESSAGE_MAX_BYTES) throw new InvalidInitialMessageError('oversize', MESSAGES.oversize, { field: 'message' })
  let message: InitialMessage
  try {
    message = parse(bytes)
  } catch (err) {
    if (err instanceof DecodeError) throw malformed(err.field, err)
    throw err
  }
  if (!verifyDhIdentity(message.identityKey, message.dhIdentityKey, message.dhIdentitySignature)) {
    throw new InvalidInitialMessageError('signature', MESSAGES.signature, { field: 'dhIdentitySignature' })
  }
  return message
}
