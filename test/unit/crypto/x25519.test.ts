import { describe, expect, it } from 'vitest'
import { fromString } from 'uint8arrays'
import { dh, dhPublicKey, generateDhKeyPair, WeakKeyError } from '../../../src/crypto/x25519.ts'
import rfc7748 from '../../vectors/rfc7748-x25519.json' with { type: 'json' }

const hex = (s: string): Uint8Array => fromString(s, 'base16')

describe('X25519 against RFC 7748', () => {
  it.for(rfc7748.scalarMultiplication)('$name', (v) => {
    expect(dh(hex(v.scalar), hex(v.u))).toEqual(hex(v.output))
  })

  it('section 6.1: Alice and Bob derive the published keys and shared secret', () => {
    const v = rfc7748.diffieHellman
    expect(dhPublicKey(hex(v.alicePrivate))).toEqual(hex(v.alicePublic))
    expect(dhPublicKey(hex(v.bobPrivate))).toEqual(hex(v.bobPublic))
    expect(dh(hex(v.alicePrivate), hex(v.bobPublic))).toEqual(hex(v.shared))
    expect(dh(hex(v.bobPrivate), hex(v.alicePublic))).toEqual(hex(v.shared))
  })

  it('generateDhKeyPair uses the random source as the secret key', () => {
    const v = rfc7748.diffieHellman
    const pair = generateDhKeyPair(() => hex(v.alicePrivate))
    expect(pair).toEqual({ secretKey: hex(v.alicePrivate), publicKey: hex(v.alicePublic) })
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
