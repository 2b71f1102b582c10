import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES, GCM_TAG_BYTES } from '../../crypto/index.ts'
import { Reader, Writer } from '../codec.ts'
import { DecodeError } from '../errors.ts'
import { GroupDecryptError, InvalidSenderKeyError } from './errors.ts'
import { MAX_GROUP_MESSAGE_BYTES, MAX_ITERATION } from './limits.ts'

// The two things sender keys put on the wire:
//   distribution:  version ‖ bytes(chainKey) ‖ varint(iteration) ‖ bytes(signingPublicKey)
//   message:       version ‖ bytes(signingPublicKey) ‖ varint(iteration) ‖ bytes(ciphertext) ‖ signature
// The signature (64 bytes, last, fixed length) covers everything before it and the caller's ad.

export const CHAIN_KEY_BYTES = 32
const DISTRIBUTION_VERSION = 1
const MESSAGE_VERSION = 1
/** A distribution is 1 + 33 + at most 5 + 33 bytes; anything larger is refused unread. */
export const MAX_DISTRIBUTION_BYTES = 128

export interface SenderKeyDistribution {
  readonly chainKey: Uint8Array
  readonly iteration: number
  readonly signingPublicKey: Uint8Array
}

export interface GroupCipherMessage {
  readonly signingPublicKey: Uint8Array
  readonly iteration: number
  readonly ciphertext: Uint8Array
  readonly signature: Uint8Array
}

export function encodeSenderKeyDistribution (d: SenderKeyDistribution): Uint8Array {
  return new Writer().u8(DISTRIBUTION_VERSION).bytes(d.chainKey).uvarint(d.iteration).bytes(d.signingPublicKey).finish()
}

export function decodeSenderKeyDistribution (bytes: Uint8Array): SenderKeyDistribution {
  if (!(bytes instanceof Uint8Array)) throw new InvalidSenderKeyError('malformed', { field: 'distribution' })
  if (bytes.length > MAX_DISTRIBUTION_BYTES) throw new InvalidSenderKeyError('oversize', { field: 'distribution' })
  try {
    const r = new Reader(bytes)
    if (r.u8('version') !== DISTRIBUTION_VERSION) throw new DecodeError('version', 'unknown sender key version')
    const chainKey = r.bytes('chainKey', { max: CHAIN_KEY_BYTES, exact: CHAIN_KEY_BYTES })
    const iteration = r.uvarint('iteration')
    if (iteration > MAX_ITERATION) throw new DecodeError('iteration', `is over ${MAX_ITERATION}`)
    const signingPublicKey = r.bytes('signingPublicKey', { max: PUBLIC_KEY_BYTES, exact: PUBLIC_KEY_BYTES })
    r.done('distribution')
    return { chainKey, iteration, signingPublicKey }
  } catch (err) {
    if (err instanceof DecodeError) throw new InvalidSenderKeyError('malformed', { field: err.field, cause: err })
    throw err
  }
}

/** The message without its signature: what is signed (with the ad). */
export function encodeUnsignedGroupMessage (m: Omit<GroupCipherMessage, 'signature'>): Uint8Array {
  return new Writer().u8(MESSAGE_VERSION).bytes(m.signingPublicKey).uvarint(m.iteration).bytes(m.ciphertext).finish()
}

/** Checks size before anything else; throws GroupDecryptError ('oversize' or 'malformed'). */
export function decodeGroupCipherMessage (bytes: Uint8Array): GroupCipherMessage & { signed: Uint8Array } {
  if (!(bytes instanceof Uint8Array)) throw new GroupDecryptError('malformed', { field: 'message' })
  if (bytes.length > MAX_GROUP_MESSAGE_BYTES) throw new GroupDecryptError('oversize', { field: 'message' })
  if (bytes.length < SIGNATURE_BYTES + 1) throw new GroupDecryptError('malformed', { field: 'signature' })
  const signed = bytes.subarray(0, bytes.length - SIGNATURE_BYTES)
  try {
    const r = new Reader(signed)
    if (r.u8('version') !== MESSAGE_VERSION) throw new DecodeError('version', 'unknown group message version')
    const signingPublicKey = r.bytes('signingPublicKey', { max: PUBLIC_KEY_BYTES, exact: PUBLIC_KEY_BYTES })
    const iteration = r.uvarint('iteration')
    if (iteration > MAX_ITERATION) throw new DecodeError('iteration', `is over ${MAX_ITERATION}`)
    const ciphertext = r.bytes('ciphertext', { max: MAX_GROUP_MESSAGE_BYTES })
    if (ciphertext.length < GCM_TAG_BYTES) throw new DecodeError('ciphertext', 'is shorter than its tag')
    r.done('message')
    return { signingPublicKey, iteration, ciphertext, signature: bytes.slice(signed.length), signed }
  } catch (err) {
    if (err instanceof DecodeError) throw new GroupDecryptError('malformed', { field: err.field, cause: err })
    throw err
  }
}
