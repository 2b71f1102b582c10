import { describe, expect, it } from 'vitest'
import { hkdf } from '../../../src/crypto/hkdf.ts'
import rfc5869 from '../../vectors/rfc5869-hkdf-sha256.json' with { type: 'json' }
import { describeWycheproof } from './wycheproof.ts'
import { fromHex } from '../../support/hex.ts'

describe('HKDF-SHA256 against RFC 5869 appendix A', () => {
  it.for(rfc5869.vectors)('$name', (v) => {
    expect(hkdf(fromHex(v.ikm), fromHex(v.salt), fromHex(v.info), v.length)).toEqual(fromHex(v.okm))
  })

  it('an absent salt is the same as HashLen zero bytes (section 2.2), and Test Case 3 gives the same', () => {
    const v = rfc5869.vectors[2]!
    expect(hkdf(fromHex(v.ikm), undefined, '', v.length)).toEqual(fromHex(v.okm))
    expect(hkdf(fromHex(v.ikm), new Uint8Array(32), '', v.length)).toEqual(fromHex(v.okm))
  })

  it('encodes a string info as UTF-8', () => {
    const ikm = new Uint8Array(32).fill(7)
    expect(hkdf(ikm, undefined, 'Murmur ✓', 32)).toEqual(hkdf(ikm, undefined, new TextEncoder().encode('Murmur ✓'), 32))
    expect(hkdf(ikm, undefined, 'a', 32)).not.toEqual(hkdf(ikm, undefined, 'b', 32))
  })

  it('refuses lengths outside 1..255*32 and non-bytes, naming the field', () => {
    const ikm = new Uint8Array(32)
    expect(hkdf(ikm, undefined, '', 8160)).toHaveLength(8160)
    expect(() => hkdf(ikm, undefined, '', 8161)).toThrow(RangeError)
    expect(() => hkdf(ikm, undefined, '', 0)).toThrow(RangeError)
    expect(() => hkdf(ikm, undefined, '', 1.5)).toThrow(RangeError)
    expect(() => hkdf('secret' as any, undefined, '', 32)).toThrow(new TypeError('ikm must be a Uint8Array'))
    expect(() => hkdf(ikm, 'salt' as any, '', 32)).toThrow(new TypeError('salt must be a Uint8Array'))
    expect(() => hkdf(ikm, undefined, 5 as any, 32)).toThrow(new TypeError('info must be a Uint8Array'))
  })
})

interface HkdfGroup {
  keySize: number
  tests: Array<{ tcId: number, comment: string, flags: string[], ikm: string, salt: string, info: string, size: number, okm: string, result: string }>
}

describeWycheproof<HkdfGroup>('hkdf_sha256_test.json', 'HKDF-SHA256 against Wycheproof hkdf_sha256_test.json', (suite) => {
  const cases = suite.testGroups.flatMap((g) => g.tests)

  it('has the vectors it expects', () => {
    expect(cases).toHaveLength(suite.numberOfTests)
    expect(cases.some((c) => c.result === 'invalid')).toBe(true)
    expect(cases.every((c) => c.result === 'valid' || c.result === 'invalid')).toBe(true)
  })

  it.for(cases)('tcId $tcId ($result) $comment: size $size', (c) => {
    const derive = (): Uint8Array => hkdf(fromHex(c.ikm), fromHex(c.salt), fromHex(c.info), c.size)
    if (c.result === 'valid') expect(derive()).toEqual(fromHex(c.okm))
    // The invalid ones ask for more than 255 * HashLen bytes (RFC 5869 section 2.3).
    else expect(derive).toThrow(RangeError)
  })
})
