import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { assertAnyBytes } from './bytes.ts'

export const HMAC_SHA256_BYTES = 32

/** HMAC-SHA256 (RFC 2104 with FIPS 180-4 SHA-256); the full 32-byte tag. */
export function hmacSha256 (key: Uint8Array, data: Uint8Array): Uint8Array {
  assertAnyBytes(key, 'key')
  assertAnyBytes(data, 'data')
  return hmac(sha256, key, data)
}
