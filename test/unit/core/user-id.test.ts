import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fromString } from 'uint8arrays'
import { decodeUserId, encodeUserId, shortUserId, USER_ID_LENGTH } from '../../../src/core/user-id.ts'
import { thrown } from './support.ts'

// RFC 8032 TEST 1 public key. The expected id was computed outside this code base, with
// Python's hashlib and base64.b32encode:
//   'mm' + b32encode(pk + sha256(b'murmur/user-id/v1' + pk)[:2]).lower().rstrip('=')
const PK = fromString('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', 'hex')
const ID = 'mm25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenf6li'
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567'

const expectMistyped = (text: string): void => {
  const err = thrown(() => decodeUserId(text))
  expect(err.name).toBe('InvalidUserIdError')
  expect(err.message).toMatch(/looks mistyped/)
}

describe('user id', () => {
  it('matches an independently computed id', () => {
    expect(encodeUserId(PK)).toBe(ID)
    expect(ID).toHaveLength(USER_ID_LENGTH)
    expect(decodeUserId(ID)).toEqual(PK)
  })

  it('property: decode(encode(key)) is the key', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (key) => {
      const id = encodeUserId(key)
      expect(id).toMatch(/^mm[a-z2-7]{55}$/)
      expect(decodeUserId(id)).toEqual(key)
    }))
  })

  it('accepts surrounding whitespace and upper case', () => {
    expect(decodeUserId(`  ${ID.toUpperCase()}\n`)).toEqual(PK)
  })

  it('rejects every one-character substitution of a real id', () => {
    let tried = 0
    for (let i = 0; i < ID.length; i++) {
      for (const c of ALPHABET) {
        if (c === ID[i]) continue
        tried++
        expectMistyped(ID.slice(0, i) + c + ID.slice(i + 1))
      }
    }
    expect(tried).toBe(ID.length * 31)
  })

  it('rejects a dropped, added or swapped character', () => {
    expectMistyped(ID.slice(0, 20) + ID.slice(21))
    expectMistyped(ID + 'a')
    expectMistyped(ID.slice(0, 10) + ID[11] + ID[10] + ID.slice(12))
  })

  it('rejects a wrong prefix and characters outside base32', () => {
    expectMistyped('mn' + ID.slice(2))
    expectMistyped(ID.slice(2) + 'aa')
    for (const c of ['0', '1', '8', '9', '=', 'é']) expectMistyped(ID.slice(0, 30) + c + ID.slice(31))
    expectMistyped('')
    expectMistyped(undefined as any)
  })

  it('refuses to encode a key of the wrong length', () => {
    expect(() => encodeUserId(new Uint8Array(31))).toThrow(TypeError)
  })

  it('shortens for display', () => {
    expect(shortUserId(ID)).toBe('mm25njqamc…')
  })
})
