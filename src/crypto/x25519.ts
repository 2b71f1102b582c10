import { x25519 } from '@noble/curves/ed25519.js'
import { assertBytes, isAllZero } from './bytes.ts'
import { randomBytes, type RandomSource } from './random.ts'

export const X25519_KEY_BYTES = 32

/** An X25519 key pair; the secret key is the 32 raw bytes of RFC 7748 (clamped on use). */
export interface DhKeyPair {
  publicKey: Uint8Array
  secretKey: Uint8Array
}

/**
 * The peer's public key is one of the few low-order points, so the shared secret would be all
 * zeros whatever our secret key is: it carries no secret and must not key anything.
 */
export class WeakKeyError extends Error {
  override name = 'WeakKeyError'
  constructor (message = 'The other side sent a low-order X25519 public key; the shared secret would be all zeros') {
    super(message)
  }
}

export function generateDhKeyPair (random: RandomSource = randomBytes): DhKeyPair {
  // Copy: the caller's random source may hand out a buffer it reuses.
  const secretKey = Uint8Array.from(random(X25519_KEY_BYTES))
  assertBytes(secretKey, X25519_KEY_BYTES, 'random secret key')
  return { publicKey: x25519.getPublicKey(secretKey), secretKey }
}

export function dhPublicKey (secretKey: Uint8Array): Uint8Array {
  assertBytes(secretKey, X25519_KEY_BYTES, 'secretKey')
  return x25519.getPublicKey(secretKey)
}

/**
 * X25519 (RFC 7748 section 5). RFC 7748 section 6.1 lets a protocol check for the all-zero
 * shared secret; Murmur does, and throws WeakKeyError. Wycheproof marks those cases
 * (flag ZeroSharedSecret) 'acceptable' rather than 'invalid': we choose to reject them. Every
 * other 'acceptable' case (twist points, non-canonical u) gives the RFC's result, as it must.
 */
export function dh (secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  assertBytes(secretKey, X25519_KEY_BYTES, 'secretKey')
  assertBytes(publicKey, X25519_KEY_BYTES, 'publicKey')
  let shared: Uint8Array
  try {
    // noble refuses the five low-order u values before running the ladder (no timing oracle
    // on the secret key); with the lengths checked above, that is the only way it throws.
    shared = x25519.getSharedSecret(secretKey, publicKey)
  } catch {
    throw new WeakKeyError()
  }
  if (isAllZero(shared)) throw new WeakKeyError()
  return shared
}

