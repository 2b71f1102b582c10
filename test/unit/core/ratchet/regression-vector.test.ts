import { describe, expect, it } from 'vitest'
import { aesGcmOpen, dh, dhPublicKey, hkdf, hmacSha256 } from '../../../../src/crypto/index.ts'
import vector from './regression-vector.json'
import { computeVector, KAT_INPUTS } from './regression-vector.ts'
import { fromHex, toHex } from '../../../support/hex.ts'

describe('ratchet regression vector (our own, not a published one)', () => {
  it('fixed secrets and random streams give the pinned first message and first reply', () => {
    const v = computeVector()
    expect(toHex(v.aliceFirstMessage)).toBe(vector.aliceFirstMessage)
    expect(toHex(v.bobFirstReply)).toBe(vector.bobFirstReply)
    expect(v.bobRead).toBe(KAT_INPUTS.aliceText)
    expect(v.aliceRead).toBe(KAT_INPUTS.bobText)
  })

  it('the pinned first message opens step by step with the primitives alone, as the spec describes it', () => {
    const { secrets, bobSecretKey, ad, aliceText } = KAT_INPUTS
    const bytes = fromHex(vector.aliceFirstMessage)
    expect(bytes[0]).toBe(1) // version
    expect(bytes[1]).toBe(69) // encrypted header length
    const encryptedHeader = bytes.subarray(2, 71)
    expect(bytes[71]).toBe(bytes.length - 72) // ciphertext length, one varint byte here
    const ciphertext = bytes.subarray(72)

    // HDECRYPT(shared_hka): nonce 0x20..0x2b (Alice's random after her 32-byte secret key).
    const nonce = encryptedHeader.subarray(0, 12)
    expect(toHex(nonce)).toBe('202122232425262728292a2b')
    const header = aesGcmOpen(secrets.headerKeyA, nonce, encryptedHeader.subarray(12))!
    const aliceSecret = Uint8Array.from({ length: 32 }, (_, i) => i)
    expect(toHex(header)).toBe('20' + toHex(dhPublicKey(aliceSecret)) + '00000000' + '00000000')

    // KDF_RK_HE(SK, DH(A, B)), then KDF_CK, then the message AEAD over ad ‖ encrypted header.
    const rk = hkdf(dh(bobSecretKey, dhPublicKey(aliceSecret)), secrets.rootKey, 'murmur/ratchet/root/v1', 96)
    const messageKey = hmacSha256(rk.subarray(32, 64), Uint8Array.of(1))
    const aead = hkdf(messageKey, undefined, 'murmur/ratchet/message/v1', 44)
    const aad = Uint8Array.of(...ad, ...encryptedHeader)
    const plain = aesGcmOpen(aead.subarray(0, 32), aead.subarray(32), ciphertext, aad)
    expect(new TextDecoder().decode(plain)).toBe(aliceText)
  })
})
