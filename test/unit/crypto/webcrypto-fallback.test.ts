import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { aesGcmSeal } from '../../../src/crypto/aes-gcm.ts'
import { randomBytes } from '../../../src/crypto/random.ts'
import { aesGcmOpenAsync, aesGcmSealAsync, dhAsync, generateNonExtractableAesKey, hasWebCryptoX25519 } from '../../../src/crypto/webcrypto.ts'
import { dh, dhPublicKey, WeakKeyError } from '../../../src/crypto/x25519.ts'

// A page served over plain http (not localhost) has crypto.getRandomValues but no crypto.subtle.
// Its own file, because hasWebCryptoX25519 remembers its answer for the life of the module.
describe('without crypto.subtle', () => {
  beforeAll(() => {
    const getRandomValues = globalThis.crypto.getRandomValues.bind(globalThis.crypto)
    vi.stubGlobal('crypto', { getRandomValues })
  })
  afterAll(() => { vi.unstubAllGlobals() })

  it('dhAsync falls back to noble with the same result and the same WeakKeyError', async () => {
    expect(await hasWebCryptoX25519()).toBe(false)
    const a = randomBytes(32)
    const b = randomBytes(32)
    expect(await dhAsync(a, dhPublicKey(b))).toEqual(dh(b, dhPublicKey(a)))
    await expect(dhAsync(a, new Uint8Array(32))).rejects.toThrow(WeakKeyError)
  })

  it('the async AES-GCM pair falls back to noble', async () => {
    const [key, nonce] = [randomBytes(32), randomBytes(12)]
    const sealed = await aesGcmSealAsync(key, nonce, new Uint8Array([1, 2, 3]))
    expect(sealed).toEqual(aesGcmSeal(key, nonce, new Uint8Array([1, 2, 3])))
    expect(await aesGcmOpenAsync(key, nonce, sealed)).toEqual(new Uint8Array([1, 2, 3]))
  })

  it('a non-extractable key cannot be made, and the error says what to do', async () => {
    await expect(generateNonExtractableAesKey()).rejects.toThrow(/https or on localhost/)
  })
})
