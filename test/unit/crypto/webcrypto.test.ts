import { describe, expect, it } from 'vitest'
import { fromString } from 'uint8arrays'
import { aesGcmOpen, aesGcmSeal } from '../../../src/crypto/aes-gcm.ts'
import { randomBytes } from '../../../src/crypto/random.ts'
import {
  aesGcmOpenAsync,
  aesGcmSealAsync,
  dhAsync,
  generateNonExtractableAesKey,
  hasWebCryptoX25519,
  openWithCryptoKey,
  sealWithCryptoKey
} from '../../../src/crypto/webcrypto.ts'
import { WeakKeyError } from '../../../src/crypto/x25519.ts'
import rfc7748 from '../../vectors/rfc7748-x25519.json' with { type: 'json' }

const hex = (s: string): Uint8Array => fromString(s, 'base16')
const text = (s: string): Uint8Array => new TextEncoder().encode(s)

describe('dhAsync', () => {
  it('Node 20 has X25519 in WebCrypto, so the native path is the one under test', async () => {
    expect(await hasWebCryptoX25519()).toBe(true)
  })

  it('matches RFC 7748 section 6.1', async () => {
    const v = rfc7748.diffieHellman
    expect(await dhAsync(hex(v.alicePrivate), hex(v.bobPublic))).toEqual(hex(v.shared))
  })

  it('rejects a low-order public key with WeakKeyError, as dh does', async () => {
    await expect(dhAsync(randomBytes(32), new Uint8Array(32))).rejects.toThrow(WeakKeyError)
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

  it('a non-extractable key seals nonce ‖ ciphertext ‖ tag and opens it again', async () => {
    const key = await generateNonExtractableAesKey()
    expect(key.extractable).toBe(false)
    const sealed = await sealWithCryptoKey(key, text('stored'), text('row 1'))
    expect(sealed).toHaveLength(12 + 6 + 16)
    expect(await openWithCryptoKey(key, sealed, text('row 1'))).toEqual(text('stored'))
    expect(await openWithCryptoKey(key, sealed, text('row 2'))).toBeUndefined()
    expect(await openWithCryptoKey(await generateNonExtractableAesKey(), sealed, text('row 1'))).toBeUndefined()
  })
})
