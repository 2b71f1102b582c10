import { describe, expect, it } from 'vitest'
import { aesGcmOpen, aesGcmSeal, GCM_TAG_BYTES } from '../../../src/crypto/aes-gcm.ts'
import { randomBytes } from '../../../src/crypto/random.ts'

const text = (s: string): Uint8Array => new TextEncoder().encode(s)

describe('aesGcmSeal and aesGcmOpen', () => {
  const key = randomBytes(32)
  const nonce = randomBytes(12)

  it('round-trips, with and without aad, and appends a 16-byte tag', () => {
    const sealed = aesGcmSeal(key, nonce, text('hello'), text('header'))
    expect(sealed).toHaveLength(5 + GCM_TAG_BYTES)
    expect(aesGcmOpen(key, nonce, sealed, text('header'))).toEqual(text('hello'))
    const empty = aesGcmSeal(key, nonce, new Uint8Array(0))
    expect(empty).toHaveLength(GCM_TAG_BYTES)
    expect(aesGcmOpen(key, nonce, empty)).toEqual(new Uint8Array(0))
  })

  it('an absent aad is the same as an empty one', () => {
    const sealed = aesGcmSeal(key, nonce, text('hello'))
    expect(aesGcmSeal(key, nonce, text('hello'), new Uint8Array(0))).toEqual(sealed)
    expect(aesGcmOpen(key, nonce, sealed, new Uint8Array(0))).toEqual(text('hello'))
  })

  it('returns undefined, never throws, for a wrong aad, key, or short or changed input', () => {
    const sealed = aesGcmSeal(key, nonce, text('hello'), text('header'))
    expect(aesGcmOpen(key, nonce, sealed)).toBeUndefined()
    expect(aesGcmOpen(randomBytes(32), nonce, sealed, text('header'))).toBeUndefined()
    expect(aesGcmOpen(key, nonce, sealed.subarray(0, GCM_TAG_BYTES - 1), text('header'))).toBeUndefined()
    expect(aesGcmOpen(key, nonce, new Uint8Array(0))).toBeUndefined()
    expect(aesGcmOpen(key, nonce, sealed.subarray(1), text('header'))).toBeUndefined()
  })

  it('throws a TypeError naming the field for a wrong key or nonce length', () => {
    expect(() => aesGcmSeal(randomBytes(16), nonce, text('x'))).toThrow(new TypeError('key must be 32 bytes'))
    expect(() => aesGcmSeal(key, randomBytes(16), text('x'))).toThrow(new TypeError('nonce must be 12 bytes'))
    expect(() => aesGcmOpen(key, randomBytes(8), new Uint8Array(32))).toThrow(new TypeError('nonce must be 12 bytes'))
    expect(() => aesGcmSeal(key, nonce, 'x' as any)).toThrow(new TypeError('plaintext must be a Uint8Array'))
    expect(() => aesGcmOpen(key, nonce, new Uint8Array(32), 'aad' as any)).toThrow(new TypeError('aad must be a Uint8Array'))
  })
})
