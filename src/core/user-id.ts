import { concat, equals, fromString, toString } from 'uint8arrays'
import { sha256, PUBLIC_KEY_BYTES } from '../crypto/index.ts'
import { utf8 } from './codec.ts'
import { InvalidUserIdError, type InvalidUserIdReason } from './errors.ts'

// A user id is 'mm' + base32 (RFC 4648, lowercase, no padding) of the Ed25519 public key
// followed by a 2-byte checksum, so that most typing mistakes are caught before anyone is
// added as a contact.

const PREFIX = 'mm'
const CHECKSUM_CONTEXT = 'murmur/user-id/v1'
const CHECKSUM_BYTES = 2
const PAYLOAD_BYTES = PUBLIC_KEY_BYTES + CHECKSUM_BYTES
export const USER_ID_LENGTH = PREFIX.length + Math.ceil(PAYLOAD_BYTES * 8 / 5)

function checksum (publicKey: Uint8Array): Uint8Array {
  return sha256(concat([utf8(CHECKSUM_CONTEXT), publicKey])).subarray(0, CHECKSUM_BYTES)
}

export function encodeUserId (publicKey: Uint8Array): string {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== PUBLIC_KEY_BYTES) {
    throw new TypeError(`publicKey must be ${PUBLIC_KEY_BYTES} bytes`)
  }
  return PREFIX + toString(concat([publicKey, checksum(publicKey)]), 'base32')
}

const mistyped = (reason: InvalidUserIdReason, detail: string, actualLength?: number): InvalidUserIdError =>
  new InvalidUserIdError(reason, `This Murmur ID looks mistyped: ${detail}. Check it letter by letter, or ask for an invite link.`, { actualLength })

/** Accepts surrounding whitespace and upper case, as people copy and read ids aloud. */
export function decodeUserId (text: string): Uint8Array {
  if (typeof text !== 'string') throw mistyped('empty', 'it is empty')
  const id = text.trim().toLowerCase()
  if (!id.startsWith(PREFIX)) throw mistyped('prefix', `it should start with "${PREFIX}"`)
  if (id.length !== USER_ID_LENGTH) throw mistyped('length', `it has ${id.length} characters instead of ${USER_ID_LENGTH}`, id.length)
  const body = id.slice(PREFIX.length)
  if (!/^[a-z2-7]+$/.test(body)) throw mistyped('alphabet', 'it holds a character that is never used in IDs (only a-z and 2-7 are)')
  let payload: Uint8Array
  try {
    payload = fromString(body, 'base32')
  } catch {
    throw mistyped('last-character', 'its last character is not possible')
  }
  // The last character carries 2 payload bits and 3 zero bits. The base32 decoder already
  // refuses other spellings; re-encoding keeps that true whatever decoder sits behind it.
  if (payload.length !== PAYLOAD_BYTES || toString(payload, 'base32') !== body) throw mistyped('last-character', 'its last character is not possible')
  const publicKey = payload.slice(0, PUBLIC_KEY_BYTES)
  if (!equals(payload.subarray(PUBLIC_KEY_BYTES), checksum(publicKey))) throw mistyped('checksum', 'its checksum does not match')
  return publicKey
}

/** For display where space is short; never for comparison. */
export function shortUserId (id: string): string {
  return `${id.slice(0, 10)}…`
}
