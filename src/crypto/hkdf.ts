import { hkdf as nobleHkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { assertAnyBytes } from './bytes.ts'

// RFC 5869 section 2.3: L <= 255 * HashLen.
export const HKDF_SHA256_MAX_LENGTH = 255 * 32

/**
 * HKDF-SHA256 (RFC 5869): extract with `salt` (absent means HashLen zero bytes, section 2.2),
 * then expand to `length` bytes bound to `info`. A string `info` is UTF-8 encoded.
 */
export function hkdf (ikm: Uint8Array, salt: Uint8Array | undefined, info: Uint8Array | string, length: number): Uint8Array {
  assertAnyBytes(ikm, 'ikm')
  if (salt !== undefined) assertAnyBytes(salt, 'salt')
  const infoBytes = typeof info === 'string' ? new TextEncoder().encode(info) : info
  assertAnyBytes(infoBytes, 'info')
  if (!Number.isSafeInteger(length) || length < 1 || length > HKDF_SHA256_MAX_LENGTH) {
    throw new RangeError(`length must be an integer from 1 to ${HKDF_SHA256_MAX_LENGTH}, got ${length}`)
  }
  return nobleHkdf(sha256, ikm, salt, infoBytes, length)
}
