import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fromString, toString } from 'uint8arrays'
import { Writer } from '../../../src/core/codec.ts'
import { InvalidContactInputError } from '../../../src/core/errors.ts'
import { decodeInvite, encodeInvite, inviteLink, parseContactInput } from '../../../src/core/invite.ts'
import { appendSignature } from '../../../src/core/signed-record.ts'
import { encodeUserId } from '../../../src/core/user-id.ts'
import { fixedIdentity, flipByte, isTypedError, prefixThenNoise, thrown } from './support.ts'

const NOW = Date.UTC(2025, 0, 1)
const TEN_MINUTES = 10 * 60 * 1000
const alice = fixedIdentity(1)
const RELAY = '/dns4/relay.example/tcp/443/wss/p2p/12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp'
const payload = encodeInvite(alice, { name: 'Alice', relays: [RELAY] }, NOW)

function indexOf (haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer
    return i
  }
  return -1
}

const toBytes = (p: string): Uint8Array => fromString(p, 'base64url')
const toPayload = (b: Uint8Array): string => toString(b, 'base64url')

/** A correctly signed invite body written by hand, to test one bad field at a time. */
const NO_PREKEY = new Uint8Array(0)

function craft (write: (w: Writer) => void): string {
  const w = new Writer()
  write(w)
  return toPayload(appendSignature(alice, 'murmur/invite/v1', w.finish()))
}
const NO_SECRET = new Uint8Array(0)
const validBody = (w: Writer): Writer =>
  w.u8(3).bytes(alice.publicKey).string('Alice').uvarint(1).string(RELAY).uvarint(NOW).bytes(NO_PREKEY).bytes(NO_SECRET)

function expectInviteError (p: string, reason: string, field?: string, now = NOW): void {
  const err = thrown(() => decodeInvite(p, now))
  expect(err.name).toBe('InvalidInviteError')
  expect(err.reason).toBe(reason)
  if (field !== undefined) expect(err.field).toBe(field)
}

describe('invite round trip', () => {
  it('decodes what it encodes', () => {
    expect(payload).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(decodeInvite(payload, NOW)).toEqual({ publicKey: alice.publicKey, name: 'Alice', relays: [RELAY], createdAt: NOW })
  })

  it('the hand-crafted body matches the real encoding, so crafted cases test one change each', () => {
    expect(craft(validBody)).toBe(payload)
  })

  it('carries a prekey record, covered by the signature, and refuses one over the cap', () => {
    const prekeyRecord = Uint8Array.from({ length: 250 }, (_, i) => i)
    const p = encodeInvite(alice, { name: 'Alice', relays: [], prekeyRecord }, NOW)
    expect(decodeInvite(p, NOW).prekeyRecord).toEqual(prekeyRecord)
    expect(thrown(() => encodeInvite(alice, { name: 'Alice', relays: [], prekeyRecord: new Uint8Array(1025) }, NOW))).toMatchObject({ name: 'InvalidInviteError', field: 'prekeyRecord' })
  })

  it('carries an invitation secret of 32 bytes, covered by the signature, and refuses any other length', () => {
    const mailboxSecret = new Uint8Array(32).fill(7)
    const p = encodeInvite(alice, { name: 'Alice', relays: [], mailboxSecret }, NOW)
    expect(decodeInvite(p, NOW).mailboxSecret).toEqual(mailboxSecret)
    expect(thrown(() => encodeInvite(alice, { name: 'Alice', relays: [], mailboxSecret: new Uint8Array(31) }, NOW))).toMatchObject({ name: 'InvalidInviteError', field: 'mailboxSecret' })
    const short = craft((w) => w.u8(3).bytes(alice.publicKey).string('Alice').uvarint(0).uvarint(NOW).bytes(NO_PREKEY).bytes(new Uint8Array(16)))
    expectInviteError(short, 'malformed', 'mailboxSecret')
  })

  it('reads a version 2 link for the contact but drops its secret: that was the profile\'s permanent one, whose slots nobody reads now', () => {
    const v2 = craft((w) => w.u8(2).bytes(alice.publicKey).string('Alice').uvarint(1).string(RELAY).uvarint(NOW).bytes(NO_PREKEY).bytes(new Uint8Array(32).fill(7)))
    expect(decodeInvite(v2, NOW)).toEqual({ publicKey: alice.publicKey, name: 'Alice', relays: [RELAY], createdAt: NOW })
  })

  it('still reads a version 1 link, which has no invitation secret', () => {
    const v1 = craft((w) => w.u8(1).bytes(alice.publicKey).string('Alice').uvarint(1).string(RELAY).uvarint(NOW).bytes(NO_PREKEY))
    expect(decodeInvite(v1, NOW)).toEqual({ publicKey: alice.publicKey, name: 'Alice', relays: [RELAY], createdAt: NOW })
  })

  it('stores the name trimmed and allows no relays', () => {
    const p = encodeInvite(alice, { name: '  Al ice ', relays: [] }, NOW)
    expect(decodeInvite(p, NOW)).toMatchObject({ name: 'Al ice', relays: [] })
  })

  it('does not expire, and tolerates a clock up to ten minutes behind', () => {
    expect(decodeInvite(payload, NOW + 365 * 24 * 3600 * 1000).createdAt).toBe(NOW)
    expect(decodeInvite(payload, NOW - TEN_MINUTES).createdAt).toBe(NOW)
  })

  it('property: decode(encode(x)) = x for any valid fields', () => {
    const name = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 })
      .map((s) => s.trim())
      .filter((s) => s.length >= 1 && s.length <= 64 && !/[\p{Cc}\u202A-\u202E\u2066-\u2069]/u.test(s))
    const relay = fc.string({ maxLength: 200 }).map((s) => `/${s}`)
    fc.assert(fc.property(
      fc.nat({ max: 255 }), name, fc.array(relay, { maxLength: 4 }), fc.nat({ max: NOW }),
      (seedByte, n, relays, createdAt) => {
        const identity = fixedIdentity(seedByte)
        const p = encodeInvite(identity, { name: n, relays }, createdAt)
        expect(p.length).toBeLessThanOrEqual(4096)
        expect(decodeInvite(p, NOW)).toEqual({ publicKey: identity.publicKey, name: n, relays, createdAt })
      }
    ), { numRuns: 50 })
  })
})

describe('invite rejection', () => {
  const bytes = toBytes(payload)
  const bodyLength = bytes.length - 64

  it('a flipped byte in the signature', () => {
    for (const i of [bodyLength, bodyLength + 31, bytes.length - 1]) {
      expectInviteError(toPayload(flipByte(bytes, i)), 'signature', 'signature')
    }
  })

  it('a changed byte in the body that still parses', () => {
    // The first byte of the name: 'A' becomes '@'.
    const at = indexOf(bytes, new TextEncoder().encode('Alice'))
    expect(at).toBeGreaterThan(0)
    expectInviteError(toPayload(flipByte(bytes, at)), 'signature')
  })

  it('property: no single-byte change anywhere decodes', () => {
    fc.assert(fc.property(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (i, x) => {
      const changed = bytes.slice()
      changed[i]! ^= x
      const err = thrown(() => decodeInvite(toPayload(changed), NOW))
      expect(err.name).toBe('InvalidInviteError')
    }))
  })

  it('truncation at every length', () => {
    for (let n = 0; n < bytes.length; n++) expectInviteError(toPayload(bytes.subarray(0, n)), 'malformed')
  })

  it('a payload over 4096 characters, before decoding it', () => {
    expectInviteError('A'.repeat(4097), 'oversize')
    expectInviteError(payload + 'A'.repeat(4097 - payload.length), 'oversize')
  })

  it('a date more than ten minutes ahead', () => {
    const p = encodeInvite(alice, { name: 'Alice', relays: [] }, NOW + TEN_MINUTES + 1)
    expectInviteError(p, 'too-far-future', 'createdAt')
    expect(decodeInvite(p, NOW + 1).name).toBe('Alice')
  })

  it('text that is not base64url, or not its one canonical spelling', () => {
    expectInviteError(payload + '=', 'malformed', 'payload')
    expectInviteError(payload.replace(/[-_]/g, '+'), 'malformed')
    expectInviteError(`${payload.slice(0, 20)} ${payload.slice(20)}`, 'malformed', 'payload')
    expectInviteError('', 'malformed')
    // Change only the unused low bits of the last character: same bytes to a lenient decoder.
    // That needs an invite whose length is not a multiple of 3: pick a name that gives one.
    const odd = ['Al', 'Ali', 'Alic'].map((name) => encodeInvite(alice, { name, relays: [RELAY] }, NOW))
      .find((p) => Math.floor(p.length * 3 / 4) % 3 !== 0)!
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    const last = alphabet.indexOf(odd.at(-1)!)
    expect(decodeInvite(odd, NOW).relays).toEqual([RELAY])
    expectInviteError(odd.slice(0, -1) + alphabet[last ^ 1], 'malformed', 'payload')
  })

  it('an unknown version', () => {
    for (const version of [0, 4]) {
      expectInviteError(craft((w) => w.u8(version).bytes(alice.publicKey).string('Alice').uvarint(0).uvarint(NOW).bytes(NO_PREKEY).bytes(NO_SECRET)), 'malformed', 'version')
    }
  })

  it('a 31- or 33-byte key', () => {
    expectInviteError(craft((w) => w.u8(1).bytes(alice.publicKey.subarray(0, 31)).string('Alice').uvarint(0).uvarint(NOW).bytes(NO_PREKEY)), 'malformed', 'publicKey')
    expectInviteError(craft((w) => w.u8(1).bytes(new Uint8Array([...alice.publicKey, 0])).string('Alice').uvarint(0).uvarint(NOW).bytes(NO_PREKEY)), 'malformed', 'publicKey')
  })

  it('names that are empty, too long, or hold control characters', () => {
    const withName = (name: string | Uint8Array): string => craft((w) => {
      w.u8(1).bytes(alice.publicKey)
      if (typeof name === 'string') w.string(name)
      else w.bytes(name)
      w.uvarint(0).uvarint(NOW).bytes(NO_PREKEY)
    })
    for (const name of ['', '   ', 'x'.repeat(65), 'Al\u0000ice', 'Al\nice', 'Al\u202Eice']) {
      expectInviteError(withName(name), 'malformed', 'name')
    }
    expectInviteError(withName(new Uint8Array([0x41, 0xff])), 'malformed', 'name')
    expect(decodeInvite(withName('x'.repeat(64)), NOW).name).toHaveLength(64)
  })

  it('more than four relays, or relays that are not addresses', () => {
    const withRelays = (relays: string[]): string => craft((w) => {
      w.u8(1).bytes(alice.publicKey).string('Alice').uvarint(relays.length)
      for (const r of relays) w.string(r)
      w.uvarint(NOW).bytes(NO_PREKEY)
    })
    expect(decodeInvite(withRelays(Array(4).fill(RELAY)), NOW).relays).toHaveLength(4)
    expectInviteError(withRelays(Array(5).fill(RELAY)), 'malformed', 'relays')
    expectInviteError(withRelays(['dns4/relay.example']), 'malformed', 'relays')
    expectInviteError(withRelays(['/' + 'x'.repeat(256)]), 'malformed', 'relays')
    expect(decodeInvite(withRelays(['/' + 'x'.repeat(255)]), NOW).relays[0]).toHaveLength(256)
  })

  it('trailing bytes after the last field', () => {
    expectInviteError(craft((w) => validBody(w).u8(0)), 'malformed', 'invite')
  })

  it('property: any string, or any bytes, fail only with typed errors', () => {
    const check = (p: string): void => {
      try {
        decodeInvite(p, NOW)
      } catch (err) {
        expect(isTypedError(err)).toBe(true)
      }
    }
    fc.assert(fc.property(fc.string({ maxLength: 300 }), check))
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (b) => check(toPayload(b))))
    fc.assert(fc.property(prefixThenNoise(bytes), (b) => check(toPayload(b))))
  })
})

describe('encodeInvite refuses what decodeInvite would refuse', () => {
  it('bad names and relays', () => {
    for (const name of ['', 'x'.repeat(65), 'a\u0007b']) {
      expect(thrown(() => encodeInvite(alice, { name, relays: [] }, NOW))).toMatchObject({ name: 'InvalidInviteError', reason: 'malformed', field: 'name' })
    }
    expect(thrown(() => encodeInvite(alice, { name: 'A', relays: Array(5).fill(RELAY) }, NOW))).toMatchObject({ field: 'relays' })
    expect(thrown(() => encodeInvite(alice, { name: 'A', relays: ['relay'] }, NOW))).toMatchObject({ field: 'relays' })
  })
})

describe('inviteLink and parseContactInput', () => {
  const link = inviteLink('https://murmur.example', payload)
  const aliceId = encodeUserId(alice.publicKey)

  it('builds a link with the payload in the fragment', () => {
    expect(link).toBe(`https://murmur.example/#/i/${payload}`)
    expect(inviteLink('https://murmur.example/', payload)).toBe(link)
  })

  it('reads a link from any origin, with text around it', () => {
    expect(parseContactInput(link, NOW)).toEqual({ kind: 'invite', invite: decodeInvite(payload, NOW) })
    const other = parseContactInput(`  join me: http://127.0.0.1:5173/#/i/${payload}\nsee you`, NOW)
    expect(other).toMatchObject({ kind: 'invite', invite: { name: 'Alice' } })
  })

  it('reads a bare payload', () => {
    expect(parseContactInput(` ${payload} `, NOW)).toMatchObject({ kind: 'invite', invite: { name: 'Alice', createdAt: NOW } })
  })

  it('reads a user id, in any case', () => {
    expect(parseContactInput(aliceId, NOW)).toEqual({ kind: 'id', publicKey: alice.publicKey })
    expect(parseContactInput(`\t${aliceId.toUpperCase()} `, NOW)).toEqual({ kind: 'id', publicKey: alice.publicKey })
  })

  it('says which kind of input is broken when it can tell', () => {
    expect(thrown(() => parseContactInput(aliceId.slice(0, -2) + 'aa', NOW)).name).toBe('InvalidUserIdError')
    expect(thrown(() => parseContactInput(aliceId.slice(0, -1), NOW)).name).toBe('InvalidUserIdError')
    expect(thrown(() => parseContactInput(link.slice(0, -10), NOW)).name).toBe('InvalidInviteError')
    expect(thrown(() => parseContactInput(payload.slice(0, -10), NOW)).name).toBe('InvalidInviteError')
  })

  it('refuses anything else with one plain sentence', () => {
    for (const garbage of ['', '   ', 'hello', 'Alice', 'https://murmur.example/', 'mm', '12345', 'mm!!', '🙂']) {
      const err = thrown(() => parseContactInput(garbage, NOW))
      expect(err).toBeInstanceOf(InvalidContactInputError)
      expect(err.message).toBe('That is neither a Murmur ID nor an invite link.')
    }
  })

  it('property: any text fails only with typed errors', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => {
      try {
        parseContactInput(text, NOW)
      } catch (err) {
        expect(isTypedError(err)).toBe(true)
      }
    }))
  })
})
