import { equals, fromString } from 'uint8arrays'
import { aesGcmOpen, aesGcmSeal, assertGcmInputs, GCM_NONCE_BYTES, GCM_TAG_BYTES } from './aes-gcm.ts'
import { assertAnyBytes, assertBytes, isAllZero, toBufferSource } from './bytes.ts'
import { randomBytes, type RandomSource } from './random.ts'
import { dh, X25519_KEY_BYTES } from './x25519.ts'

// The same operations as aes-gcm.ts and x25519.ts, on the platform's native WebCrypto where
// it has them (faster, and off the JS heap), with the same results on the same vectors.
// These calls cannot be cancelled midway, so they take no signal: each is one short step.

/** `crypto.subtle` exists only in secure contexts (https, localhost). */
function subtle (): SubtleCrypto | undefined {
  return globalThis.crypto?.subtle
}

const GCM_PARAMS = (iv: Uint8Array, aad: Uint8Array | undefined): AesGcmParams => ({
  name: 'AES-GCM',
  iv: toBufferSource(iv),
  tagLength: GCM_TAG_BYTES * 8,
  ...(aad === undefined ? {} : { additionalData: toBufferSource(aad) })
})

/** aesGcmSeal on WebCrypto (noble where there is no crypto.subtle). */
export async function aesGcmSealAsync (key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Promise<Uint8Array> {
  assertGcmInputs(key, nonce, plaintext, 'plaintext', aad)
  const s = subtle()
  if (s === undefined) return aesGcmSeal(key, nonce, plaintext, aad)
  const cryptoKey = await s.importKey('raw', toBufferSource(key), 'AES-GCM', false, ['encrypt'])
  return new Uint8Array(await s.encrypt(GCM_PARAMS(nonce, aad), cryptoKey, toBufferSource(plaintext)))
}

/** aesGcmOpen on WebCrypto: `undefined` on any authentication failure, as there. */
export async function aesGcmOpenAsync (key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Promise<Uint8Array | undefined> {
  assertGcmInputs(key, nonce, sealed, 'sealed', aad)
  const s = subtle()
  if (s === undefined) return aesGcmOpen(key, nonce, sealed, aad)
  if (sealed.length < GCM_TAG_BYTES) return undefined
  const cryptoKey = await s.importKey('raw', toBufferSource(key), 'AES-GCM', false, ['decrypt'])
  try {
    return new Uint8Array(await s.decrypt(GCM_PARAMS(nonce, aad), cryptoKey, toBufferSource(sealed)))
  } catch {
    return undefined
  }
}

// RFC 8410 section 7: PrivateKeyInfo { version 0, AlgorithmIdentifier { id-X25519
// (1.3.101.110) }, OCTET STRING { OCTET STRING (32 bytes) } }, DER encoded.
const X25519_PKCS8_PREFIX = Uint8Array.of(
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20
)

export function encodeX25519Pkcs8 (secretKey: Uint8Array): Uint8Array<ArrayBuffer> {
  assertBytes(secretKey, X25519_KEY_BYTES, 'secretKey')
  const der = new Uint8Array(X25519_PKCS8_PREFIX.length + X25519_KEY_BYTES)
  der.set(X25519_PKCS8_PREFIX)
  der.set(secretKey, X25519_PKCS8_PREFIX.length)
  return der
}

async function subtleX25519 (s: SubtleCrypto, secretKey: Uint8Array, publicKey: Uint8Array): Promise<Uint8Array> {
  const der = encodeX25519Pkcs8(secretKey)
  try {
    const priv = await s.importKey('pkcs8', der, { name: 'X25519' }, false, ['deriveBits'])
    const pub = await s.importKey('raw', toBufferSource(publicKey), { name: 'X25519' }, true, [])
    return new Uint8Array(await s.deriveBits({ name: 'X25519', public: pub }, priv, X25519_KEY_BYTES * 8))
  } finally {
    der.fill(0)
  }
}

// RFC 7748 section 6.1: Alice's secret key, Bob's public key and their shared secret. The
// probe runs the exact calls dhAsync makes and checks the answer, not only that they exist.
const PROBE_SECRET = fromString('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a', 'base16')
const PROBE_PUBLIC = fromString('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f', 'base16')
const PROBE_SHARED = fromString('4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742', 'base16')

// Cached because it describes the platform, which does not change while the page runs.
let x25519Support: Promise<boolean> | undefined

/** Whether crypto.subtle does X25519 (current Chrome, Firefox and Safari do; so does Node 20). */
export async function hasWebCryptoX25519 (): Promise<boolean> {
  x25519Support ??= (async () => {
    const s = subtle()
    if (s === undefined) return false
    try {
      return equals(await subtleX25519(s, PROBE_SECRET, PROBE_PUBLIC), PROBE_SHARED)
    } catch {
      return false
    }
  })()
  return await x25519Support
}

/**
 * dh on WebCrypto where it has X25519, noble otherwise; same result and same WeakKeyError.
 * WebCrypto refuses low-order keys with its own error, so any failure there is decided again
 * by noble, which either throws WeakKeyError or gives the result.
 */
export async function dhAsync (secretKey: Uint8Array, publicKey: Uint8Array): Promise<Uint8Array> {
  assertBytes(secretKey, X25519_KEY_BYTES, 'secretKey')
  assertBytes(publicKey, X25519_KEY_BYTES, 'publicKey')
  const s = subtle()
  if (s === undefined || !(await hasWebCryptoX25519())) return dh(secretKey, publicKey)
  let shared: Uint8Array
  try {
    shared = await subtleX25519(s, secretKey, publicKey)
  } catch {
    return dh(secretKey, publicKey)
  }
  return isAllZero(shared) ? dh(secretKey, publicKey) : shared
}

function requireSubtle (): SubtleCrypto {
  const s = subtle()
  if (s === undefined) throw new Error('WebCrypto is unavailable: open Murmur over https or on localhost')
  return s
}

/** A fresh AES-256-GCM key that script can use but never read out (for wrapping stored data). */
export async function generateNonExtractableAesKey (): Promise<CryptoKey> {
  return await requireSubtle().generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt'])
}

function assertAesCryptoKey (key: CryptoKey): void {
  if (typeof CryptoKey === 'undefined' ? typeof key !== 'object' || key === null : !(key instanceof CryptoKey)) {
    throw new TypeError('key must be a CryptoKey')
  }
  if (key.algorithm.name !== 'AES-GCM') throw new TypeError('key must be an AES-GCM CryptoKey')
}

/** nonce (12 random bytes) ‖ ciphertext ‖ tag, under a non-extractable key. */
export async function sealWithCryptoKey (key: CryptoKey, plaintext: Uint8Array, aad?: Uint8Array, random: RandomSource = randomBytes): Promise<Uint8Array> {
  assertAesCryptoKey(key)
  assertAnyBytes(plaintext, 'plaintext')
  if (aad !== undefined) assertAnyBytes(aad, 'aad')
  const nonce = Uint8Array.from(random(GCM_NONCE_BYTES))
  assertBytes(nonce, GCM_NONCE_BYTES, 'random nonce')
  const sealed = new Uint8Array(await requireSubtle().encrypt(GCM_PARAMS(nonce, aad), key, toBufferSource(plaintext)))
  const out = new Uint8Array(GCM_NONCE_BYTES + sealed.length)
  out.set(nonce)
  out.set(sealed, GCM_NONCE_BYTES)
  return out
}

/** Opens what sealWithCryptoKey made; `undefined` if it is too short or fails authentication. */
export async function openWithCryptoKey (key: CryptoKey, sealed: Uint8Array, aad?: Uint8Array): Promise<Uint8Array | undefined> {
  assertAesCryptoKey(key)
  assertAnyBytes(sealed, 'sealed')
  if (aad !== undefined) assertAnyBytes(aad, 'aad')
  if (sealed.length < GCM_NONCE_BYTES + GCM_TAG_BYTES) return undefined
  const nonce = sealed.subarray(0, GCM_NONCE_BYTES)
  try {
    return new Uint8Array(await requireSubtle().decrypt(GCM_PARAMS(nonce, aad), key, toBufferSource(sealed.subarray(GCM_NONCE_BYTES))))
  } catch {
    return undefined
  }
}
