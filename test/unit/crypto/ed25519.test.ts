import { describe, expect, it } from 'vitest'
import { fromString } from 'uint8arrays'
import { generateSigningKeyPair, publicKeyFromSecret, sign, verifySignature } from '../../../src/crypto/ed25519.ts'
import rfc8032 from '../../vectors/rfc8032-ed25519.json' with { type: 'json' }
import { describeWycheproof } from './wycheproof.ts'
import { fromHex } from '../../support/hex.ts'

describe('Ed25519 against RFC 8032 section 7.1', () => {
  it.for(rfc8032.vectors)('$name: derives the key, signs and verifies', (v) => {
    const secretKey = fromHex(v.secretKey)
    const message = fromHex(v.message)
    expect(publicKeyFromSecret(secretKey)).toEqual(fromHex(v.publicKey))
    expect(sign(secretKey, message)).toEqual(fromHex(v.signature))
    expect(verifySignature(fromHex(v.signature), message, fromHex(v.publicKey))).toBe(true)
  })

  it('generateSigningKeyPair uses the random source as the seed', () => {
    const v = rfc8032.vectors[0]!
    const pair = generateSigningKeyPair(() => fromHex(v.secretKey))
    expect(pair.secretKey).toEqual(fromHex(v.secretKey))
    expect(pair.publicKey).toEqual(fromHex(v.publicKey))
  })
})

describe('verifySignature on bad input', () => {
  const { publicKey, secretKey } = generateSigningKeyPair()
  const message = fromString('murmur')
  const signature = sign(secretKey, message)

  it('accepts the genuine signature', () => {
    expect(verifySignature(signature, message, publicKey)).toBe(true)
  })

  it('rejects a changed message, signature or key', () => {
    expect(verifySignature(signature, fromString('murmuR'), publicKey)).toBe(false)
    for (const i of [0, 31, 32, 63]) {
      const bad = signature.slice()
      bad[i]! ^= 1
      expect(verifySignature(bad, message, publicKey)).toBe(false)
    }
    expect(verifySignature(signature, message, generateSigningKeyPair().publicKey)).toBe(false)
  })

  it('returns false, never throws, on wrong lengths and garbage', () => {
    expect(verifySignature(signature.subarray(0, 63), message, publicKey)).toBe(false)
    expect(verifySignature(new Uint8Array([...signature, 0]), message, publicKey)).toBe(false)
    expect(verifySignature(signature, message, publicKey.subarray(0, 31))).toBe(false)
    expect(verifySignature(signature, message, new Uint8Array(33))).toBe(false)
    expect(verifySignature(new Uint8Array(64), message, publicKey)).toBe(false)
    // 0xff..ff is not a valid point encoding (y >= p).
    expect(verifySignature(signature, message, new Uint8Array(32).fill(0xff))).toBe(false)
    expect(verifySignature(null as any, message, publicKey)).toBe(false)
    expect(verifySignature(signature, 'murmur' as any, publicKey)).toBe(false)
  })

  it('sign refuses a secret key of the wrong length', () => {
    expect(() => sign(new Uint8Array(31), message)).toThrow(TypeError)
    expect(() => sign(new Uint8Array(64), message)).toThrow(TypeError)
  })
})

interface Ed25519Group {
  publicKey: { pk: string }
  tests: Array<{ tcId: number, comment: string, msg: string, sig: string, result: string }>
}

describeWycheproof<Ed25519Group>('ed25519_test.json', 'Ed25519 against Wycheproof ed25519_test.json (strict RFC 8032)', (suite) => {
  const cases = suite.testGroups.flatMap((group) => group.tests.map((t) => ({ ...t, pk: group.publicKey.pk })))

  it('has the vectors it expects', () => {
    expect(cases.length).toBeGreaterThan(100)
    expect(cases.every((c) => c.result === 'valid' || c.result === 'invalid')).toBe(true)
  })

  it.for(cases)('tcId $tcId ($result) $comment', (c) => {
    expect(verifySignature(fromHex(c.sig), fromHex(c.msg), fromHex(c.pk))).toBe(c.result === 'valid')
  })
})
