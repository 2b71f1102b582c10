/** A source of random bytes; core functions take one as a parameter so tests can fix it. */
export type RandomSource = (length: number) => Uint8Array

// WebCrypto refuses more than 65536 bytes per getRandomValues call.
const MAX_CHUNK = 65536

/** Cryptographically secure random bytes from WebCrypto (browsers and Node 20 alike). */
export function randomBytes (length: number): Uint8Array {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new RangeError(`randomBytes: length must be a non-negative integer, got ${length}`)
  }
  const out = new Uint8Array(length)
  for (let offset = 0; offset < length; offset += MAX_CHUNK) {
    globalThis.crypto.getRandomValues(out.subarray(offset, Math.min(length, offset + MAX_CHUNK)))
  }
  return out
}
