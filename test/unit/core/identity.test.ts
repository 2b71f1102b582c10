import { describe, expect, it } from 'vitest'
import { fromString } from 'uint8arrays'
import { createIdentity } from '../../../src/core/identity.ts'
import { sign, verifySignature } from '../../../src/crypto/index.ts'
import rfc8032 from '../../vectors/rfc8032-ed25519.json' with { type: 'json' }

describe('createIdentity', () => {
  it('derives the RFC 8032 public key from a fixed random seed', () => {
    const v = rfc8032.vectors[0]!
    const identity = createIdentity(() => fromString(v.secretKey, 'hex'))
    expect(identity.publicKey).toEqual(fromString(v.publicKey, 'hex'))
  })

  it('makes a different, working key pair each time by default', () => {
    const a = createIdentity()
    const b = createIdentity()
    expect(a.publicKey).not.toEqual(b.publicKey)
    const message = new Uint8Array([1, 2, 3])
    expect(verifySignature(sign(a.secretKey, message), message, a.publicKey)).toBe(true)
  })

  it('copies the seed, so reusing the random buffer cannot change the key', () => {
    const seed = new Uint8Array(32).fill(9)
    const identity = createIdentity(() => seed)
    seed.fill(0)
    expect(identity.secretKey).toEqual(new Uint8Array(32).fill(9))
  })
})
