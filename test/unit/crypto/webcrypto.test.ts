import { generateKeyPairSync } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { aesGcmOpen, aesGcmSeal } from '../../../src/crypto/aes-gcm.ts'
import { randomBytes } from '../../../src/crypto/random.ts'
import {
  aesGcmOpenAsync,
  aesGcmSealAsync,
  dhAsync,
  encodeX25519Pkcs8,
  generateNonExtractableAesKey,
  hasWebCryptoX25519,
  openWithCryptoKey,
  sealWithCryptoKey
} from '../../../src/crypto/webcrypto.ts'
import { WeakKeyError } from '../../../src/crypto/x25519.ts'
import rfc7748 from '../../vectors/rfc7748-x25519.json' with { type: 'json' }
import { fromHex } from '../../support/hex.ts'

const text = (s: string): Uint8Array => new TextEncoder().encode(s)

describe('dhAsync', () => {
  it('Node 20 has X25519 in WebCrypto, so the native path is the one under test', async () => {
    expect(await hasWebCryptoX25519()).toBe(true)
  })

  it('matches RFC 7748 section 6.1', async () => {
    const v = rfc7748.diffieHellman
    expect(await dhAsync(fromHex(v.alicePrivate), fromHex(v.bobPublic))).toEqual(fromHex(v.shared))
  })

  it('rejects a low-order public key with WeakKeyError, as dh does', async () => {
    await expect(dhAsync(randomBytes(32), new Uint8Array(32))).rejects.toThrow(WeakKeyError)
  })

  it('names the field when a key has the wrong length', async () => {
    await expect(dhAsync(randomBytes(31), randomBytes(32))).rejects.toThrow(new TypeError('secretKey must be 32 bytes'))
    await expect(dhAsync(randomBytes(32), randomBytes(33))).rejects.toThrow(new TypeError('publicKey must be 32 bytes'))
  })

  it('wraps the secret key in the same PKCS#8 DER as Node\'s own X25519 export (RFC 8410 section 7)', () => {
    // Encoded output: Node 20 can deadlock in generateKeyPairSync when it returns KeyObjects
    // (test/security/core/native-curves.ts tells how).
    const der = new Uint8Array(generateKeyPairSync('x25519', {
      publicKeyEncoding: { format: 'der', type: 'spki' }, privateKeyEncoding: { format: 'der', type: 'pkcs8' }
    }).privateKey)
    expect(encodeX25519Pkcs8(der.subarray(-32))).toEqual(der)
  })
})

describe('AES-GCM on WebCrypto', () => {
  it('aesGcmSealAsync and aesGcmOpenAsync agree with the noble pair', async () => {
    const key = randomBytes(32)
    const nonce = randomBytes(12)
    const sealed = await aesGcmSealAsync(key, nonce, text('hello'), text('aad'))
    expect(sealed).toEqual(aesGcmSeal(key, nonce, text('hello'), text('aad')))
    expect(await aesGcmOpenAsync(key, nonce, sealed, text('aad'))).toEqual(text('hello'))
    expect(aesGcmOpen(key, nonce, sealed, text('aad'))).toEqual(text('hello'))
    expect(await aesGcmOpenAsync(key, nonce, sealed)).toBeUndefined()
  })

  it('noble and WebCrypto give identical sealed bytes and open each other\'s, for any input', async () => {
    const bytes = (n: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: n, maxLength: n })
    const aad = fc.option(fc.uint8Array({ maxLength: 40 }), { nil: undefined })
    await fc.assert(fc.asyncProperty(bytes(32), bytes(12), fc.uint8Array({ maxLength: 300 }), aad, async (key, nonce, plaintext, aad) => {
      const sealed = aesGcmSeal(key, nonce, plaintext, aad)
      expect(await aesGcmSealAsync(key, nonce, plaintext, aad)).toEqual(sealed)
      expect(await aesGcmOpenAsync(key, nonce, sealed, aad)).toEqual(plaintext)
      const tampered = sealed.slice()
      tampered[tampered.length - 1]! ^= 0x80
      expect(await aesGcmOpenAsync(key, nonce, tampered, aad)).toBeUndefined()
      expect(aesGcmOpen(key, nonce, tampered, aad)).toBeUndefined()
    }), { numRuns: 50 })
  })

  it('aesGcmOpenAsync returns undefined for input shorter than a tag and throws TypeError for a bad key or nonce', async () => {
    expect(await aesGcmOpenAsync(randomBytes(32), randomBytes(12), new Uint8Array(15))).toBeUndefined()
    await expect(aesGcmOpenAsync(randomBytes(16), randomBytes(12), new Uint8Array(32))).rejects.toThrow(new TypeError('key must be 32 bytes'))
    await expect(aesGcmSealAsync(randomBytes(32), randomBytes(16), new Uint8Array(1))).rejects.toThrow(new TypeError('nonce must be 12 bytes'))
  })
})

describe('storage sealing with a non-extractable CryptoKey', () => {
  it('a non-extractable key seals nonce ‖ ciphertext ‖ tag and opens it again', async () => {
    const key = await generateNonExtractableAesKey()
    expect(key.extractable).toBe(false)
    const sealed = await sealWithCryptoKey(key, text('stored'), text('row 1'))
    expect(sealed).toHaveLength(12 + 6 + 16)
    expect(await openWithCryptoKey(key, sealed, text('row 1'))).toEqual(text('stored'))
    expect(await openWithCryptoKey(key, sealed, text('row 2'))).toBeUndefined()
    expect(await openWithCryptoKey(await generateNonExtractableAesKey(), sealed, text('row 1'))).toBeUndefined()
  })

  it('puts the random source\'s nonce first, so the rest is aesGcm-shaped ciphertext ‖ tag', async () => {
    const key = await generateNonExtractableAesKey()
    const nonce = new Uint8Array(12).fill(5)
    const sealed = await sealWithCryptoKey(key, text('stored'), undefined, () => nonce)
    expect(sealed.subarray(0, 12)).toEqual(nonce)
    expect(await openWithCryptoKey(key, sealed)).toEqual(text('stored'))
    expect(await sealWithCryptoKey(key, text('stored'))).not.toEqual(await sealWithCryptoKey(key, text('stored')))
  })

  it('returns undefined for short, truncated or changed input', async () => {
    const key = await generateNonExtractableAesKey()
    const sealed = await sealWithCryptoKey(key, text('stored'))
    expect(await openWithCryptoKey(key, new Uint8Array(27))).toBeUndefined()
    expect(await openWithCryptoKey(key, sealed.subarray(0, -1))).toBeUndefined()
    for (const i of [0, 11, 12, sealed.length - 1]) {
      const bad = sealed.slice()
      bad[i]! ^= 1
      expect(await openWithCryptoKey(key, bad)).toBeUndefined()
    }
  })

  it('throws TypeError for something that is not an AES-GCM CryptoKey', async () => {
    await expect(sealWithCryptoKey(randomBytes(32) as any, text('x'))).rejects.toThrow(new TypeError('key must be a CryptoKey'))
    const hmacKey = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
    await expect(openWithCryptoKey(hmacKey, new Uint8Array(40))).rejects.toThrow(new TypeError('key must be an AES-GCM CryptoKey'))
    await expect(sealWithCryptoKey(await generateNonExtractableAesKey(), 'x' as any)).rejects.toThrow(new TypeError('plaintext must be a Uint8Array'))
  })
})
