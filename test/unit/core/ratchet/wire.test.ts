import { describe, expect, it } from 'vitest'
import { aesGcmOpen, hkdf, hmacSha256 } from '../../../../src/crypto/index.ts'
import { decodeRatchetMessage, encodeRatchetMessage, MAX_RATCHET_MESSAGE_BYTES } from '../../../../src/core/ratchet/index.ts'
import { decodeHeader, decryptHeader, encodeHeader, encryptHeader } from '../../../../src/core/ratchet/header.ts'
import { kdfChain, kdfRoot, openMessage, sealMessage } from '../../../../src/core/ratchet/kdf.ts'
import { ENCRYPTED_HEADER_BYTES, HEADER_BYTES } from '../../../../src/core/ratchet/limits.ts'
import { thrown } from '../support.ts'
import { seededRandom, text } from './session.ts'

const key = (b: number): Uint8Array => new Uint8Array(32).fill(b)

describe('ratchet KDFs', () => {
  it('KDF_RK_HE is HKDF-SHA256 salted with the root key, cut into root, chain and next header key', () => {
    const out = hkdf(key(2), key(1), 'murmur/ratchet/root/v1', 96)
    expect(kdfRoot(key(1), key(2))).toEqual({ rootKey: out.slice(0, 32), chainKey: out.slice(32, 64), nextHeaderKey: out.slice(64) })
  })

  it('KDF_CK: message key = HMAC(ck, 0x01), next chain key = HMAC(ck, 0x02)', () => {
    expect(kdfChain(key(3))).toEqual({ messageKey: hmacSha256(key(3), Uint8Array.of(1)), chainKey: hmacSha256(key(3), Uint8Array.of(2)) })
  })

  it('the message AEAD key and nonce come from HKDF of the message key, and the aad is bound', () => {
    const sealed = sealMessage(key(4), text('body'), text('aad'))
    const derived = hkdf(key(4), undefined, 'murmur/ratchet/message/v1', 44)
    expect(aesGcmOpen(derived.subarray(0, 32), derived.subarray(32), sealed, text('aad'))).toEqual(text('body'))
    expect(openMessage(key(4), sealed, text('aad'))).toEqual(text('body'))
    expect(openMessage(key(4), sealed, text('aaD'))).toBeUndefined()
    expect(openMessage(key(5), sealed, text('aad'))).toBeUndefined()
  })
})

describe('ratchet header', () => {
  const header = { dh: key(9), pn: 0xfffffffe, n: 70000 }

  it('encodes to a fixed size whatever the numbers, and back', () => {
    expect(encodeHeader(header).length).toBe(HEADER_BYTES)
    expect(encodeHeader({ ...header, pn: 0, n: 0 }).length).toBe(HEADER_BYTES)
    expect(decodeHeader(encodeHeader(header))).toEqual(header)
    expect(() => encodeHeader({ ...header, n: 2 ** 32 })).toThrow(RangeError)
    expect(() => encodeHeader({ ...header, dh: new Uint8Array(31) })).toThrow(TypeError)
  })

  it('seals with a fresh random nonce each time and opens only under its key', () => {
    const a = encryptHeader(key(1), header, seededRandom(1))
    const b = encryptHeader(key(1), header)
    expect(a.length).toBe(ENCRYPTED_HEADER_BYTES)
    expect(a).not.toEqual(b)
    expect(decryptHeader(key(1), a)).toEqual(header)
    expect(decryptHeader(key(1), b)).toEqual(header)
    expect(decryptHeader(key(2), a)).toBeUndefined()
    expect(decryptHeader(key(1), a.subarray(1))).toBeUndefined()
  })

  it('refuses a random source that returns the wrong length', () => {
    expect(() => encryptHeader(key(1), header, () => new Uint8Array(11))).toThrow(/returned 11 bytes, not 12/)
  })
})

describe('ratchet message codec', () => {
  const message = { encryptedHeader: new Uint8Array(ENCRYPTED_HEADER_BYTES).fill(7), ciphertext: new Uint8Array(20).fill(8) }

  it('round-trips, version first', () => {
    const bytes = encodeRatchetMessage(message)
    expect(bytes[0]).toBe(1)
    expect(decodeRatchetMessage(bytes)).toEqual(message)
  })

  it.for([
    ['unknown version', (b: Uint8Array) => Uint8Array.of(2, ...b.subarray(1))],
    ['header length off by one', (b: Uint8Array) => Uint8Array.of(1, ENCRYPTED_HEADER_BYTES - 1, ...b.subarray(2))],
    ['trailing byte', (b: Uint8Array) => Uint8Array.of(...b, 0)],
    ['truncated', (b: Uint8Array) => b.subarray(0, b.length - 1)],
    ['ciphertext shorter than a tag', () => Uint8Array.of(1, ENCRYPTED_HEADER_BYTES, ...message.encryptedHeader, 15, ...new Uint8Array(15))],
    ['empty', () => new Uint8Array(0)],
    ['not bytes', () => 'text' as unknown as Uint8Array]
  ] as const)('refuses %s as malformed', ([, make]) => {
    expect(thrown(() => decodeRatchetMessage(make(encodeRatchetMessage(message))))).toMatchObject({ name: 'DecryptError', reason: 'malformed' })
  })

  it('refuses bytes over the cap as oversize before reading them', () => {
    expect(thrown(() => decodeRatchetMessage(new Uint8Array(MAX_RATCHET_MESSAGE_BYTES + 1)))).toMatchObject({ reason: 'oversize' })
    expect(thrown(() => decodeRatchetMessage(new Uint8Array(MAX_RATCHET_MESSAGE_BYTES)))).toMatchObject({ reason: 'malformed' })
  })
})
