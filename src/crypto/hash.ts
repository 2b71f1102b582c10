import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'

/** SHA-256 (FIPS 180-4) of the given bytes. */
export function sha256 (bytes: Uint8Array): Uint8Array {
  return nobleSha256(bytes)
}
