import { describe, expect, it } from 'vitest'
import { fromString } from 'uint8arrays'
import { createPassphraseKdfParams, DEFAULT_SCRYPT, derivePassphraseKey, type PassphraseKdfParams } from '../../../src/crypto/passphrase.ts'
import rfc7914 from '../../vectors/rfc7914-scrypt.json' with { type: 'json' }

// Small cost so the suite stays fast; the default cost is checked by value only.
const small = (salt = new Uint8Array(16).fill(1)): PassphraseKdfParams => ({ algorithm: 'scrypt', N: 2 ** 10, r: 8, p: 1, salt })

describe('derivePassphraseKey', () => {
  it.for(rfc7914.vectors)('RFC 7914 $name: the first 32 bytes of the published output', async (v) => {
    const params: PassphraseKdfParams = { algorithm: 'scrypt', N: v.N, r: v.r, p: v.p, salt: fromString(v.salt) }
    expect(await derivePassphraseKey(v.password, params)).toEqual(fromString(v.output, 'base16').subarray(0, 32))
  })

  it('is deterministic and gives 32 bytes', async () => {
    const a = await derivePassphraseKey('correct horse', small())
    expect(a).toHaveLength(32)
    expect(await derivePassphraseKey('correct horse', small())).toEqual(a)
  })

  it('gives a different key for a different salt, passphrase or cost', async () => {
    const a = await derivePassphraseKey('correct horse', small())
    expect(await derivePassphraseKey('correct horse', small(new Uint8Array(16).fill(2)))).not.toEqual(a)
    expect(await derivePassphraseKey('correct horsf', small())).not.toEqual(a)
    expect(await derivePassphraseKey('correct horse', { ...small(), N: 2 ** 11 })).not.toEqual(a)
  })

  it('normalizes to NFKC: the same words typed differently give the same key', async () => {
    const composed = await derivePassphraseKey('caf\u00e9 \uFB01sh \uFF21', small())
    expect(await derivePassphraseKey('cafe\u0301 fish A', small())).toEqual(composed)
    expect(await derivePassphraseKey('cafe fish A', small())).not.toEqual(composed)
  })

  it('reports progress from 0 to 1, never going back', async () => {
    const seen: number[] = []
    await derivePassphraseKey('correct horse', small(), { onProgress: (f) => seen.push(f) })
    expect(seen.length).toBeGreaterThan(1)
    expect(seen.at(-1)).toBe(1)
    expect(seen.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= seen[i - 1]!))).toBe(true)
  })

  it('stops with an AbortError at the next progress step after an abort, and reports no more', async () => {
    const controller = new AbortController()
    const seen: number[] = []
    const derivation = derivePassphraseKey('correct horse', small(), {
      signal: controller.signal,
      onProgress: (f) => {
        seen.push(f)
        if (seen.length === 3) controller.abort()
      }
    })
    await expect(derivation).rejects.toThrowError(expect.objectContaining({ name: 'AbortError' }))
    expect(seen).toHaveLength(3)
    expect(seen.at(-1)).toBeLessThan(1)
  })

  it('does not start when the signal is already aborted', async () => {
    const seen: number[] = []
    await expect(derivePassphraseKey('x', small(), { signal: AbortSignal.abort(), onProgress: (f) => seen.push(f) }))
      .rejects.toThrowError(expect.objectContaining({ name: 'AbortError' }))
    expect(seen).toEqual([])
  })

  it('refuses bad params, naming the field', async () => {
    await expect(derivePassphraseKey('x', { ...small(), N: 3000 })).rejects.toThrow(/params\.N/)
    await expect(derivePassphraseKey('x', { ...small(), N: 2 ** 9 })).rejects.toThrow(/params\.N/)
    await expect(derivePassphraseKey('x', { ...small(), r: 0 })).rejects.toThrow(/params\.r/)
    await expect(derivePassphraseKey('x', { ...small(), p: 1.5 })).rejects.toThrow(/params\.p/)
    await expect(derivePassphraseKey('x', { ...small(), N: 2 ** 20, r: 16 })).rejects.toThrow(/1 GiB/)
    await expect(derivePassphraseKey('x', small(new Uint8Array(7)))).rejects.toThrow(new TypeError('params.salt must be at least 8 bytes'))
    await expect(derivePassphraseKey('x', { ...small(), salt: 'salt' as any })).rejects.toThrow(new TypeError('params.salt must be a Uint8Array'))
    await expect(derivePassphraseKey('x', { ...small(), algorithm: 'argon2id' as any })).rejects.toThrow(/params\.algorithm/)
    await expect(derivePassphraseKey(new Uint8Array(1) as any, small())).rejects.toThrow(new TypeError('passphrase must be a string'))
  })
})

describe('passphrase params', () => {
  it('defaults to N = 2**17, r = 8, p = 1 (values only: the full cost is too slow for unit tests)', () => {
    expect(DEFAULT_SCRYPT).toEqual({ N: 2 ** 17, r: 8, p: 1 })
  })

  it('new params take the default cost and a fresh 16-byte salt from the random source', () => {
    const params = createPassphraseKdfParams(() => new Uint8Array(16).fill(9))
    expect(params).toEqual({ algorithm: 'scrypt', ...DEFAULT_SCRYPT, salt: new Uint8Array(16).fill(9) })
    expect(createPassphraseKdfParams().salt).toHaveLength(16)
    expect(createPassphraseKdfParams().salt).not.toEqual(createPassphraseKdfParams().salt)
  })
})
