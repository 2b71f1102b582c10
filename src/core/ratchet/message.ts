import { GCM_TAG_BYTES } from '../../crypto/index.ts'
import { Reader, Writer } from '../codec.ts'
import { DecodeError } from '../errors.ts'
import { DecryptError } from './errors.ts'
import { ENCRYPTED_HEADER_BYTES, MAX_RATCHET_MESSAGE_BYTES } from './limits.ts'

// What one ratchet message is on the wire: version ‖ bytes(encryptedHeader) ‖ bytes(ciphertext),
// where ciphertext ends in the AES-GCM tag.

const MESSAGE_VERSION = 1

export interface RatchetMessage {
  encryptedHeader: Uint8Array
  ciphertext: Uint8Array
}

export function encodeRatchetMessage (message: RatchetMessage): Uint8Array {
  if (message.encryptedHeader.length !== ENCRYPTED_HEADER_BYTES) throw new TypeError(`encryptedHeader must be ${ENCRYPTED_HEADER_BYTES} bytes`)
  if (message.ciphertext.length < GCM_TAG_BYTES) throw new TypeError(`ciphertext must hold at least the ${GCM_TAG_BYTES}-byte tag`)
  const out = new Writer().u8(MESSAGE_VERSION).bytes(message.encryptedHeader).bytes(message.ciphertext).finish()
  if (out.length > MAX_RATCHET_MESSAGE_BYTES) throw new RangeError(`ratchet message of ${out.length} bytes is over ${MAX_RATCHET_MESSAGE_BYTES}`)
  return out
}

/** Checks size before anything else; throws DecryptError ('oversize' or 'malformed'). */
export function decodeRatchetMessage (bytes: Uint8Array): RatchetMessage {
  if (!(bytes instanceof Uint8Array)) throw new DecryptError('malformed')
  if (bytes.length > MAX_RATCHET_MESSAGE_BYTES) throw new DecryptError('oversize')
  try {
    const r = new Reader(bytes)
    if (r.u8('version') !== MESSAGE_VERSION) throw new DecodeError('version', 'unknown ratchet message version')
    const encryptedHeader = r.bytes('encryptedHeader', { max: ENCRYPTED_HEADER_BYTES, exact: ENCRYPTED_HEADER_BYTES })
    const ciphertext = r.bytes('ciphertext', { max: MAX_RATCHET_MESSAGE_BYTES })
    if (ciphertext.length < GCM_TAG_BYTES) throw new DecodeError('ciphertext', 'is shorter than its tag')
    r.done('message')
    return { encryptedHeader, ciphertext }
  } catch (err) {
    if (err instanceof DecodeError) throw new DecryptError('malformed', { cause: err })
    throw err
  }
}
