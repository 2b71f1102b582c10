import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { dhAsync } from '../../../src/crypto/webcrypto.ts'
import { dh, dhPublicKey, generateDhKeyPair, WeakKeyError } from '../../../src/crypto/x25519.ts'
import rfc7748 from '../../vectors/rfc7748-x25519.json' with { type: 'json' }
import { describeWycheproof } from './wycheproof.ts'
import { fromHex } from '../../support/hex.ts'

const key32 = fc.uint8Array({ minLength: 32, maxLength: 32 })

describe('X25519 against RFC 7748', () => {
  it.for(rfc7748.scalarMultiplication)('$name', (v) => {
    expect(dh(fromHex(v.scalar), fromHex(v.u))).toEqual(fromHex(v.output))
  })

  it('section 5.2, iterated: one round of k, u = X25519(k, u), k from the base point', () => {
    const start = fromHex(rfc7748.iterated.start)
    for (const { iterations, k: expected } of rfc7748.iterated.after) {
      let k = start
      let u = start
      for (let done = 0; done < iterations; done++) [k, u] = [dh(k, u), k]
      expect(k).toEqual(fromHex(expected))
    }
  })

  it('section 6.1: Alice and Bob derive the published keys and shared secret', () => {
    const v = rfc7748.diffieHellman
    expect(dhPublicKey(fromHex(v.alicePrivate))).toEqual(fromHex(v.alicePublic))
    expect(dhPublicKey(fromHex(v.bobPrivate))).toEqual(fromHex(v.bobPublic))
    expect(dh(fromHex(v.alicePrivate), fromHex(v.bobPublic))).toEqual(fromHex(v.shared))
    expect(dh(fromHex(v.bobPrivate), fromHex(v.alicePublic))).toEqual(fromHex(v.shared))
  })

  it('generateDhKeyPair uses the random source as the secret key', () => {
    const v = rfc7748.diffieHellman
    const pair = generateDhKeyPair(() => fromHex(v.alicePrivate))
    expect(pair).toEqual({ secretKey: fromHex(v.alicePrivate), publicKey: fromHex(v.alicePublic) })
  })
})

describe('X25519 properties', () => {
  it('dh(a, B) equals dh(b, A) for any two secret keys', () => {
    fc.assert(fc.property(key32, key32, (a, b) => {
      expect(dh(a, dhPublicKey(b))).toEqual(dh(b, dhPublicKey(a)))
    }), { numRuns: 50 })
  })

  it('dhAsync (WebCrypto) equals dh (noble) for any secret key and any 32-byte public key', async () => {
    await fc.assert(fc.asyncProperty(key32, key32, async (secretKey, publicKey) => {
      expect(await dhAsync(secretKey, publicKey)).toEqual(dh(secretKey, publicKey))
    }), { numRuns: 100 })
  })
})

describe('dh on bad input', () => {
  const { secretKey } = generateDhKeyPair()

  it('throws WeakKeyError for a low-order public key (all-zero shared secret)', () => {
    expect(() => dh(secretKey, new Uint8Array(32))).toThrow(WeakKeyError)
    const one = new Uint8Array(32)
    one[0] = 1
    expect(() => dh(secretKey, one)).toThrowError(expect.objectContaining({ name: 'WeakKeyError' }))
  })

  it('names the field when a key has the wrong length', () => {
    expect(() => dh(secretKey, new Uint8Array(31))).toThrow(new TypeError('publicKey must be 32 bytes'))
    expect(() => dh(new Uint8Array(33), secretKey)).toThrow(new TypeError('secretKey must be 32 bytes'))
    expect(() => dhPublicKey(new Uint8Array(0))).toThrow(new TypeError('secretKey must be 32 bytes'))
    expect(() => generateDhKeyPair(() => new Uint8Array(16))).toThrow(TypeError)
  })
})

interface XdhGroup {
  curve: string
  tests: Array<{ tcId: number, comment: string, flags: string[], public: string, private: string, shared: string, result: string }>
}

// Wycheproof marks low-order public keys (flag ZeroSharedSecret) 'acceptable': RFC 7748
// section 6.1 lets a protocol either use the all-zero secret or reject it. Murmur rejects them
// with WeakKeyError; every other 'acceptable' case (twist points, non-canonical u) must give
// Wycheproof's result like a 'valid' one.
describeWycheproof<XdhGroup>('x25519_test.json', 'X25519 against Wycheproof x25519_test.json', (suite) => {
  const cases = suite.testGroups.filter((g) => g.curve === 'curve25519').flatMap((g) => g.tests)
  const rejected = cases.filter((c) => c.flags.includes('ZeroSharedSecret'))
  const computed = cases.filter((c) => !c.flags.includes('ZeroSharedSecret'))

  it('has the vectors it expects, and the rejected ones are exactly those with an all-zero shared secret', () => {
    expect(cases).toHaveLength(suite.numberOfTests)
    expect(rejected.length).toBeGreaterThan(20)
    expect(cases.every((c) => c.result === 'valid' || c.result === 'acceptable')).toBe(true)
    expect(rejected.every((c) => c.result === 'acceptable' && /^(00)+$/.test(c.shared))).toBe(true)
    expect(computed.every((c) => !/^(00)+$/.test(c.shared))).toBe(true)
  })

  // Random 32-byte public keys (the property above) are on the twist half the time and have
  // the top bit set half the time, but almost never encode u >= p: those cases, and the
  // rejected ones below, also go through dhAsync. All of them through both would cost seconds.
  it.for(computed)('tcId $tcId ($result) $comment: dh gives the shared secret', async (c) => {
    expect(dh(fromHex(c.private), fromHex(c.public))).toEqual(fromHex(c.shared))
    if (c.flags.includes('NonCanonicalPublic')) expect(await dhAsync(fromHex(c.private), fromHex(c.public))).toEqual(fromHex(c.shared))
  })

  it.for(rejected)('tcId $tcId (acceptable, rejected by Murmur: all-zero shared secret) $comment: WeakKeyError', async (c) => {
    expect(() => dh(fromHex(c.private), fromHex(c.public))).toThrow(WeakKeyError)
    await expect(dhAsync(fromHex(c.private), fromHex(c.public))).rejects.toThrow(WeakKeyError)
  })
})
