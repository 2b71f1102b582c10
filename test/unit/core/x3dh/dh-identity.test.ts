import { describe, expect, it } from 'vitest'
import { dhPublicKey, verifySignature } from '../../../../src/crypto/index.ts'
import { utf8 } from '../../../../src/core/codec.ts'
import { createDhIdentity, verifyDhIdentity } from '../../../../src/core/x3dh/dh-identity.ts'
import { fixedIdentity, fixedRandom, flipByte } from './support.ts'

const alice = fixedIdentity(1)
const bob = fixedIdentity(2)
const aliceDh = createDhIdentity(alice, fixedRandom(11))

describe('dh identity', () => {
  it('is an X25519 pair whose public key Alice signed under the dh-identity context', () => {
    expect(dhPublicKey(aliceDh.secretKey)).toEqual(aliceDh.publicKey)
    const message = new Uint8Array([...utf8('murmur/dh-identity/v1'), ...aliceDh.publicKey])
    expect(verifySignature(aliceDh.signature, message, alice.publicKey)).toBe(true)
    expect(verifyDhIdentity(alice.publicKey, aliceDh.publicKey, aliceDh.signature)).toBe(true)
  })

  it('takes its randomness from the random source', () => {
    expect(createDhIdentity(alice, fixedRandom(12)).publicKey).not.toEqual(aliceDh.publicKey)
  })

  it('does not verify for another identity, another key, or a changed signature', () => {
    expect(verifyDhIdentity(bob.publicKey, aliceDh.publicKey, aliceDh.signature)).toBe(false)
    expect(verifyDhIdentity(alice.publicKey, flipByte(aliceDh.publicKey, 0), aliceDh.signature)).toBe(false)
    expect(verifyDhIdentity(alice.publicKey, aliceDh.publicKey, flipByte(aliceDh.signature, 5))).toBe(false)
  })

  it('returns false on garbage instead of throwing', () => {
    expect(verifyDhIdentity(alice.publicKey.subarray(1), aliceDh.publicKey, aliceDh.signature)).toBe(false)
    expect(verifyDhIdentity(alice.publicKey, aliceDh.publicKey.subarray(1), aliceDh.signature)).toBe(false)
    expect(verifyDhIdentity(alice.publicKey, aliceDh.publicKey, new Uint8Array(63))).toBe(false)
    expect(verifyDhIdentity(undefined as any, null as any, 'x' as any)).toBe(false)
  })
})
