import { describe, expect, it } from 'vitest'
import { randomBytes } from '../../../src/crypto/random.ts'

describe('randomBytes', () => {
  it('returns the requested number of bytes', () => {
    expect(randomBytes(0)).toHaveLength(0)
    expect(randomBytes(32)).toHaveLength(32)
  })

  it('fills buffers larger than one WebCrypto call allows', () => {
    const bytes = randomBytes(65536 * 2 + 7)
    expect(bytes).toHaveLength(65536 * 2 + 7)
    // The last chunk is filled too: 4096 zero bytes at the end would be a 2^-32768 event.
    expect(bytes.subarray(-4096).some((b) => b !== 0)).toBe(true)
  })

  it('does not repeat itself', () => {
    expect(randomBytes(32)).not.toEqual(randomBytes(32))
  })

  it('rejects negative and fractional lengths', () => {
    expect(() => randomBytes(-1)).toThrow(RangeError)
    expect(() => randomBytes(1.5)).toThrow(RangeError)
  })
})
