import { dh, dhAsync, dhPublicKey, X25519_KEY_BYTES, type DhKeyPair, type RandomSource } from '../../crypto/index.ts'

// A protocol step that needs X25519 is written once, as a generator that yields each X25519
// operation it needs and is handed the result: runSteps answers with noble, synchronously, and
// runStepsAsync with dhAsync (WebCrypto where the platform has X25519, about 30 times faster
// in Chromium). Everything else in the step runs the same code in both, in the same order.

export type X25519Request =
  | { readonly op: 'dh', readonly secretKey: Uint8Array, readonly publicKey: Uint8Array }
  | { readonly op: 'public-key', readonly secretKey: Uint8Array }

/** A computation that yields X25519 requests and is resumed with each one's 32-byte result. */
export type X25519Steps<T> = Generator<X25519Request, T, Uint8Array>

// RFC 7748 section 4.1: the base point of Curve25519, u = 9. X25519(k, 9) is k's public key.
const BASE_POINT = new Uint8Array(X25519_KEY_BYTES)
BASE_POINT[0] = 9

/** dh(secretKey, publicKey): throws WeakKeyError (into the generator) as dh does. */
export function * agree (secretKey: Uint8Array, publicKey: Uint8Array): X25519Steps<Uint8Array> {
  return yield { op: 'dh', secretKey, publicKey }
}

/** generateDhKeyPair(random): the same bytes drawn, the same check, the same key pair. */
export function * generateKeyPair (random: RandomSource): X25519Steps<DhKeyPair> {
  // Copy: the caller's random source may hand out a buffer it reuses.
  const secretKey = Uint8Array.from(random(X25519_KEY_BYTES))
  if (secretKey.length !== X25519_KEY_BYTES) throw new TypeError(`random secret key must be ${X25519_KEY_BYTES} bytes`)
  const publicKey = yield { op: 'public-key', secretKey }
  return { publicKey, secretKey }
}

/** Runs `steps` to the end with noble's X25519. */
export function runSteps<T> (steps: X25519Steps<T>): T {
  let next = steps.next()
  while (next.done !== true) {
    const request = next.value
    let result: Uint8Array
    try {
      result = request.op === 'dh' ? dh(request.secretKey, request.publicKey) : dhPublicKey(request.secretKey)
    } catch (err) {
      next = steps.throw(err)
      continue
    }
    next = steps.next(result)
  }
  return next.value
}

/**
 * Runs `steps` to the end with dhAsync: the same results and errors as runSteps. A public key
 * is X25519 of the base point, which WebCrypto takes as a peer key (Node 20 does; the result
 * is never all-zero: the base point has prime order l, and a clamped key is 8m with 0 < m < l).
 */
export async function runStepsAsync<T> (steps: X25519Steps<T>): Promise<T> {
  let next = steps.next()
  while (next.done !== true) {
    const request = next.value
    let result: Uint8Array
    try {
      result = await dhAsync(request.secretKey, request.op === 'dh' ? request.publicKey : BASE_POINT)
    } catch (err) {
      next = steps.throw(err)
      continue
    }
    next = steps.next(result)
  }
  return next.value
}
