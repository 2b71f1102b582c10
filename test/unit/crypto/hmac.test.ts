import { describe, expect, it } from 'vitest'
import { fromString } from 'uint8arrays'
import { hmacSha256 } from '../../../src/crypto/hmac.ts'
import rfc4231 from '../../vectors/rfc4231-hmac-sha256.json' with { type: 'json' }

const hex = (s: string): Uint8Array => fromString(s, 'base16')

describe('HMAC-SHA256 against RFC 4231 section 4', () => {
  it.for(rfc4231.vectors)('$name', (v) => {
    expect(hmacSha256(hex(v.key), hex(v.data))).toEqual(hex(v.hmacSha256))
  })

  it('names the field given something other than bytes', () => {
    expect(() => hmacSha256('key' as any, new Uint8Array(1))).toThrow(new TypeError('key must be a Uint8Array'))
    expect(() => hmacSha256(new Uint8Array(1), 'data' as any)).toThrow(new TypeError('data must be a Uint8Array'))
  })
})
