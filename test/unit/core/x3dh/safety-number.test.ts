import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { toString } from 'uint8arrays'
import { encodeUserId } from '../../../../src/core/user-id.ts'
import { compareSafetyNumberQr, safetyNumber, safetyNumberQrPayload } from '../../../../src/core/x3dh/safety-number.ts'
import { fixedIdentity, flipByte } from './support.ts'

const alice = fixedIdentity(1).publicKey
const bob = fixedIdentity(2).publicKey
const carol = fixedIdentity(3).publicKey

/** The rule restated with Node's own SHA-256, as an independent check of the digits. */
function referenceDigits (key: Uint8Array): string[] {
  let h = Buffer.concat([Buffer.from('murmur/safety-number/v1'), key])
  for (let i = 0; i < 5200; i++) h = createHash('sha256').update(Buffer.from([1])).update(key).update(h).digest()
  return [0, 1, 2, 3, 4, 5].map((g) => String(h.readUIntBE(g * 5, 5) % 100000).padStart(5, '0'))
}

// Each safety number costs about 10,000 SHA-256 rounds: compute the few the tests need once.
const aliceSide = safetyNumber(alice, bob)
const bobSide = safetyNumber(bob, alice)
const [aliceFirst] = [alice, bob].sort((x, y) => encodeUserId(x) < encodeUserId(y) ? -1 : 1)

describe('safety number', () => {
  it('is twelve groups of five digits, sixty digits in all', () => {
    expect(aliceSide).toHaveLength(12)
    for (const group of aliceSide) expect(group).toMatch(/^\d{5}$/)
    expect(aliceSide.join('')).toHaveLength(60)
  })

  it('is the same on both sides', () => {
    expect(bobSide).toEqual(aliceSide)
  })

  it('is each party\'s iterated hash, in the order of their user ids', () => {
    const [first, second] = aliceFirst === alice ? [alice, bob] : [bob, alice]
    expect(aliceSide).toEqual([...referenceDigits(first), ...referenceDigits(second)])
  })

  it('changes when either key changes, in that key\'s half only', () => {
    const halves = (groups: string[]): string[] => [groups.slice(0, 6).join(), groups.slice(6).join()]
    const [aliceHalf, bobHalf] = [referenceDigits(alice).join(), referenceDigits(bob).join()]
    const bobReplaced = halves(safetyNumber(alice, carol))
    expect(bobReplaced).toContain(aliceHalf)
    expect(bobReplaced).not.toContain(bobHalf)
    const aliceReplaced = halves(safetyNumber(carol, bob))
    expect(aliceReplaced).toContain(bobHalf)
    expect(aliceReplaced).not.toContain(aliceHalf)
  })
})

describe('safety number QR code', () => {
  const payload = safetyNumberQrPayload(alice, bob)

  it('is the same text on both sides: version and both keys in base64url, in user-id order', () => {
    expect(safetyNumberQrPayload(bob, alice)).toBe(payload)
    const [first, second] = aliceFirst === alice ? [alice, bob] : [bob, alice]
    expect(payload).toBe(`murmur-safety:1:${toString(first, 'base64url')}:${toString(second, 'base64url')}`)
  })

  it('matches when scanned by the other side', () => {
    expect(compareSafetyNumberQr(payload, bob, alice)).toBe('match')
    expect(compareSafetyNumberQr(payload, alice, bob)).toBe('match')
    expect(compareSafetyNumberQr(` ${payload}\n`, bob, alice)).toBe('match')
  })

  it('mismatches when either side holds another key', () => {
    expect(compareSafetyNumberQr(payload, bob, carol)).toBe('mismatch')
    expect(compareSafetyNumberQr(payload, carol, alice)).toBe('mismatch')
    expect(compareSafetyNumberQr(safetyNumberQrPayload(alice, flipByte(bob, 0)), bob, alice)).toBe('mismatch')
    expect(compareSafetyNumberQr(safetyNumberQrPayload(carol, bob), bob, alice)).toBe('mismatch')
  })

  it('is invalid when it is not a payload our encoder could write', () => {
    const [, , a, b] = payload.split(':') as [string, string, string, string]
    for (const bad of [
      '',
      'hello',
      `murmur-safety:2:${a}:${b}`,
      `murmur-safety:1:${b}:${a}`, // keys out of order
      `murmur-safety:1:${a}`,
      `murmur-safety:1:${a}:${b}:`,
      `murmur-safety:1:${a}:${b.slice(1)}`,
      `murmur-safety:1:${a}:${b.slice(0, -1)}B`, // stray bits in the last character
      `murmur-safety:1:${a}:${b.slice(0, -1)}=`,
      `MURMUR-SAFETY:1:${a}:${b}`,
      undefined as any
    ]) expect(compareSafetyNumberQr(bad, alice, bob)).toBe('invalid')
  })
})
