import { describe, expect, it } from 'vitest'
import { fromString, toString } from 'uint8arrays'
import { sha256 } from '../../../src/crypto/hash.ts'
import vectors from '../../vectors/sha256-fips180.json' with { type: 'json' }

describe('sha256', () => {
  it.for(vectors.vectors)('matches FIPS 180-2 for "$message"', ({ message, digest }) => {
    expect(toString(sha256(fromString(message)), 'hex')).toBe(digest)
  })

  it('returns 32 bytes and does not depend on the input buffer offset', () => {
    const backing = fromString('xxabc')
    expect(toString(sha256(backing.subarray(2)), 'hex')).toBe(vectors.vectors[1]!.digest)
  })
})
