import { describe, expect, it } from 'vitest'
import { createPassphraseKdfParams, DEFAULT_SCRYPT, derivePassphraseKey, type PassphraseKdfParams } from '../../../src/crypto/passphrase.ts'

// Small cost so the suite stays fast; the default cost is checked by value only.
const small = (salt = new Uint8Array(16).fill(1)): PassphraseKdfParams => ({ algorithm: 'scrypt', N: 2 ** 10, r: 8, p: 1, salt })

describe('derivePassphraseKey', () => {
  it('is deterministic and gives 32 bytes', async () => {
    const a = await derivePassphraseKey('correct horse', small())
    expect(a).toHaveLength(32)
    expect(await derivePassphraseKey('correct horse', small())).toEqual(a)
  })

  it('gives a different key for a different salt or passphrase', async () => {
    const a = await derivePassphraseKey('correct horse', small())
    expect(await derivePassphraseKey('correct horse', small(new Uint8Array(16).fill(2)))).not.toEqual(a)
    expect(await derivePassphraseKey('correct horsf', small())).not.toEqual(a)
  })

  it('uses the default cost and a fresh 16-byte salt for new params', () => {
    expect(DEFAULT_SCRYPT).toEqual({ N: 2 ** 17, r: 8, p: 1 })
    const params = createPassphraseKdfParams()
    expect(params).toMatchObject({ algorithm: 'scrypt', N: 2 ** 17, r: 8, p: 1 })
    expect(params.salt).toHaveLength(16)
    expect(createPassphraseKdfParams().salt).not.toEqual(params.salt)
  })
})
