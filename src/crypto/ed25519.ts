import { ed25519 } from '@noble/curves/ed25519.js'
import { randomBytes, type RandomSource } from './random.ts'
import { assertBytes } from './bytes.ts'

export const PUBLIC_KEY_BYTES = 32
export const SECRET_KEY_BYTES = 32
export const SIGNATURE_BYTES = 64

/** An Ed25519 key pair; the secret key is the 32-byte RFC 8032 seed. */
export interface SigningKeyPair {
  publicKey: Uint8Array
  secretKey: Uint8Array
}

export function generateSigningKeyPair (random: RandomSource = randomBytes): SigningKeyPair {
  // Copy: noble keeps a reference to a seed it is handed, and the caller may reuse its buffer.
  const secretKey = Uint8Array.from(random(SECRET_KEY_BYTES))
  assertBytes(secretKey, SECRET_KEY_BYTES, 'random seed')
  return { publicKey: ed25519.getPublicKey(secretKey), secretKey }
}

export function publicKeyFromSecret (secretKey: Uint8Array): Uint8Array {
  assertBytes(secretKey, SECRET_KEY_BYTES, 'secretKey')
  return ed25519.getPublicKey(secretKey)
}

export function sign (secretKey: Uint8Array, message: Uint8Array): Uint8Array {
  assertBytes(secretKey, SECRET_KEY_BYTES, 'secretKey')
  return ed25519.sign(message, secretKey)
}

/**
 * Strict RFC 8032 verification (section 5.1.7: canonical S and point encodings, cofactorless
 * equation), not the more lenient ZIP-215 rules, so that one message has one valid
 * signature per key. Untrusted input never makes it throw: anything malformed is `false`.
 */
export function verifySignature (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (!(signature instanceof Uint8Array) || signature.length !== SIGNATURE_BYTES) return false
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== PUBLIC_KEY_BYTES) return false
  if (!(message instanceof Uint8Array)) return false
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false })
  } catch {
    return false
  }
}
