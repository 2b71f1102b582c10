import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { toString } from 'uint8arrays'
import { Writer } from '../../../src/core/codec.ts'
import {
  decodePresence,
  encodePresence,
  PRESENCE_MAX_BYTES,
  PRESENCE_MAX_TTL_MS,
  PRESENCE_NAMESPACE,
  presenceKey,
  selectPresence,
  validatePresenceRecord,
  type PresenceFields
} from '../../../src/core/presence.ts'
import { appendSignature } from '../../../src/core/signed-record.ts'
import { encodeUserId } from '../../../src/core/user-id.ts'
import { fixedIdentity, flipByte, isTypedError, prefixThenNoise, thrown } from './support.ts'

const NOW = Date.UTC(2025, 0, 1)
const HOUR = 3600 * 1000
const alice = fixedIdentity(1)
const bob = fixedIdentity(2)
const PEER = '12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp'
const ADDR = `/ip4/127.0.0.1/tcp/9090/ws/p2p/${PEER}/p2p-circuit/webrtc`
const fields: PresenceFields = { seq: 7, expiresAt: NOW + HOUR, peers: [{ peerId: PEER, addrs: [ADDR] }] }
const record = encodePresence(alice, fields)
const key = presenceKey(alice.publicKey)

function expectRecordError (fn: () => unknown, reason: string, field?: string): void {
  const err = thrown(fn)
  expect(err.name).toBe('InvalidRecordError')
  expect(err.reason).toBe(reason)
  if (field !== undefined) expect(err.field).toBe(field)
}

/** A correctly signed record written by hand, to test one bad field at a time. */
function craft (write: (w: Writer) => void): Uint8Array {
  const w = new Writer()
  write(w)
  return appendSignature(alice, 'murmur/presence/v1', w.finish())
}
const header = (w: Writer, expiresAt = NOW + HOUR): Writer => w.u8(1).bytes(alice.publicKey).uvarint(7).uvarint(expiresAt)
const onePeer = (w: Writer): Writer => w.uvarint(1).string(PEER).uvarint(1).string(ADDR)

describe('presence key', () => {
  it('is the text /murmur-presence/<user id>, so kad-dht finds the validator by namespace', () => {
    expect(toString(key)).toBe(`/${PRESENCE_NAMESPACE}/${encodeUserId(alice.publicKey)}`)
    expect(toString(key).split('/')[1]).toBe(PRESENCE_NAMESPACE)
  })
})

describe('presence round trip', () => {
  it('decodes what it encodes', () => {
    expect(decodePresence(record, NOW)).toEqual({ publicKey: alice.publicKey, ...fields })
    expect(() => validatePresenceRecord(key, record, NOW)).not.toThrow()
  })

  it('the hand-crafted body matches the real encoding', () => {
    expect(craft((w) => onePeer(header(w)))).toEqual(record)
  })

  it('property: decode(encode(x)) = x for any valid fields that fit', () => {
    const text = fc.string({ minLength: 1, maxLength: 30 })
    const peers = fc.array(fc.record({ peerId: text, addrs: fc.array(text, { maxLength: 8 }) }), { maxLength: 8 })
    fc.assert(fc.property(fc.maxSafeNat(), fc.integer({ min: 1, max: PRESENCE_MAX_TTL_MS }), peers, (seq, ttl, ps) => {
      const f = { seq, expiresAt: NOW + ttl, peers: ps }
      let bytes: Uint8Array
      try {
        bytes = encodePresence(alice, f)
      } catch (err: any) {
        // Eight peers of eight long addresses can pass every per-field cap and still not fit.
        expect(err.reason).toBe('oversize')
        return
      }
      expect(bytes.length).toBeLessThanOrEqual(PRESENCE_MAX_BYTES)
      expect(decodePresence(bytes, NOW)).toEqual({ publicKey: alice.publicKey, ...f })
    }), { numRuns: 40 })
  })
})

describe('presence rejection', () => {
  const bodyLength = record.length - 64

  it('a flipped byte in the signature', () => {
    for (const i of [bodyLength, record.length - 1]) expectRecordError(() => decodePresence(flipByte(record, i), NOW), 'signature', 'signature')
  })

  it('a flipped byte in the body: the seq', () => {
    // version (1) + key length (1) + key (32): the next byte is seq.
    expect(record[34]).toBe(7)
    expectRecordError(() => decodePresence(flipByte(record, 34), NOW), 'signature')
  })

  it('property: no single-byte change anywhere decodes', () => {
    fc.assert(fc.property(fc.nat({ max: record.length - 1 }), fc.integer({ min: 1, max: 255 }), (i, x) => {
      const changed = record.slice()
      changed[i]! ^= x
      expect(thrown(() => decodePresence(changed, NOW)).name).toBe('InvalidRecordError')
    }))
  })

  it('truncation at every length', () => {
    for (let n = 0; n < record.length; n++) expectRecordError(() => decodePresence(record.subarray(0, n), NOW), 'malformed')
  })

  it('more than 4096 bytes, before decoding', () => {
    const big = new Uint8Array(PRESENCE_MAX_BYTES + 1)
    big.set(record)
    expectRecordError(() => decodePresence(big, NOW), 'oversize')
  })

  it('an expired record, at and after its expiry', () => {
    expectRecordError(() => decodePresence(record, NOW + HOUR), 'expired', 'expiresAt')
    expectRecordError(() => decodePresence(record, NOW + 2 * HOUR), 'expired')
    expect(decodePresence(record, NOW + HOUR - 1).seq).toBe(7)
  })

  it('an expiry more than 24 hours ahead', () => {
    const far = encodePresence(alice, { ...fields, expiresAt: NOW + PRESENCE_MAX_TTL_MS + 1 })
    expectRecordError(() => decodePresence(far, NOW), 'too-far-future', 'expiresAt')
    expect(decodePresence(far, NOW + 1).seq).toBe(7)
  })

  it('an unknown version, a 31-byte key, trailing bytes', () => {
    expectRecordError(() => decodePresence(craft((w) => onePeer(w.u8(2).bytes(alice.publicKey).uvarint(7).uvarint(NOW + HOUR))), NOW), 'malformed', 'version')
    expectRecordError(() => decodePresence(craft((w) => onePeer(w.u8(1).bytes(alice.publicKey.subarray(0, 31)).uvarint(7).uvarint(NOW + HOUR))), NOW), 'malformed', 'publicKey')
    expectRecordError(() => decodePresence(craft((w) => onePeer(header(w)).u8(0)), NOW), 'malformed', 'presence')
  })

  it('more than 8 peers or 8 addresses, strings over 256 bytes, empty or non-UTF-8 strings', () => {
    const peers = (n: number, addrs: string[]): (w: Writer) => void => (w) => {
      header(w).uvarint(n)
      for (let i = 0; i < n; i++) {
        w.string(PEER).uvarint(addrs.length)
        for (const a of addrs) w.string(a)
      }
    }
    expect(decodePresence(craft(peers(8, ['/a'])), NOW).peers).toHaveLength(8)
    expectRecordError(() => decodePresence(craft(peers(9, ['/a'])), NOW), 'malformed', 'peers')
    expect(decodePresence(craft(peers(1, Array(8).fill('/a'))), NOW).peers[0]!.addrs).toHaveLength(8)
    expectRecordError(() => decodePresence(craft(peers(1, Array(9).fill('/a'))), NOW), 'malformed', 'addrs')
    expect(decodePresence(craft(peers(1, ['/' + 'a'.repeat(255)])), NOW).peers[0]!.addrs[0]).toHaveLength(256)
    expectRecordError(() => decodePresence(craft(peers(1, ['/' + 'a'.repeat(256)])), NOW), 'malformed', 'addrs')
    expectRecordError(() => decodePresence(craft(peers(1, [''])), NOW), 'malformed', 'addrs')
    expectRecordError(() => decodePresence(craft((w) => header(w).uvarint(1).bytes(new Uint8Array([0xc3])).uvarint(0)), NOW), 'malformed', 'peerId')
  })

  it('a record stored under another identity\'s key', () => {
    expectRecordError(() => validatePresenceRecord(presenceKey(bob.publicKey), record, NOW), 'wrong-key', 'key')
    expectRecordError(() => validatePresenceRecord(new Uint8Array(0), record, NOW), 'wrong-key')
  })

  it('a record signed by someone else than the key it names', () => {
    // Bob signs a body that claims Alice's key.
    const w = new Writer()
    onePeer(header(w))
    expectRecordError(() => decodePresence(appendSignature(bob, 'murmur/presence/v1', w.finish()), NOW), 'signature')
  })

  it('a signature made for another record type', () => {
    const w = new Writer()
    onePeer(header(w))
    expectRecordError(() => decodePresence(appendSignature(alice, 'murmur/invite/v1', w.finish()), NOW), 'signature')
  })

  it('property: random bytes fail only with typed errors', () => {
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), prefixThenNoise(record)), (bytes) => {
      let valid = true
      for (const call of [() => decodePresence(bytes, NOW), () => validatePresenceRecord(key, bytes, NOW)]) {
        try {
          call()
        } catch (err) {
          valid = false
          expect(isTypedError(err)).toBe(true)
        }
      }
      // prefixThenNoise can return the record itself; then the tie goes to the first.
      if (!valid) expect(selectPresence(key, [bytes, record], NOW)).toBe(1)
    }), { numRuns: 60 })
  })
})

describe('encodePresence refuses records others would reject', () => {
  it('bad numbers, too many peers or addresses, strings that are empty or too long, and oversize', () => {
    const bad = (f: Partial<PresenceFields>): any => thrown(() => encodePresence(alice, { ...fields, ...f }))
    expect(bad({ seq: -1 })).toMatchObject({ name: 'InvalidRecordError', reason: 'malformed', field: 'seq' })
    expect(bad({ expiresAt: 1.5 })).toMatchObject({ field: 'expiresAt' })
    expect(bad({ peers: Array(9).fill(fields.peers[0]) })).toMatchObject({ field: 'peers' })
    expect(bad({ peers: [{ peerId: '', addrs: [] }] })).toMatchObject({ field: 'peerId' })
    expect(bad({ peers: [{ peerId: PEER, addrs: Array(9).fill(ADDR) }] })).toMatchObject({ field: 'addrs' })
    expect(bad({ peers: [{ peerId: PEER, addrs: ['x'.repeat(257)] }] })).toMatchObject({ field: 'addrs' })
    const full = { peerId: PEER, addrs: Array(8).fill('/' + 'x'.repeat(200)) }
    expect(bad({ peers: Array(8).fill(full) })).toMatchObject({ reason: 'oversize' })
  })
})

describe('selectPresence', () => {
  const at = (seq: number, identity = alice, expiresAt = NOW + HOUR): Uint8Array =>
    encodePresence(identity, { ...fields, seq, expiresAt })

  it('picks the highest seq', () => {
    expect(selectPresence(key, [at(1), at(5), at(3)], NOW)).toBe(1)
    expect(selectPresence(key, [at(9), at(5)], NOW)).toBe(0)
  })

  it('breaks ties by the lower index', () => {
    const other = encodePresence(alice, { ...fields, seq: 5, peers: [] })
    expect(selectPresence(key, [at(1), at(5), other], NOW)).toBe(1)
    expect(selectPresence(key, [at(1), other, at(5)], NOW)).toBe(1)
  })

  it('never lets an invalid record win, whatever its seq', () => {
    const forged = flipByte(at(1000), at(1000).length - 1)
    const expired = at(999, alice, NOW - 1)
    const foreign = at(998, bob)
    expect(selectPresence(key, [forged, expired, foreign, at(2)], NOW)).toBe(3)
    expect(selectPresence(key, [at(0), forged], NOW)).toBe(0)
  })

  it('returns 0 when none is valid, or there are none', () => {
    expect(selectPresence(key, [new Uint8Array(3), at(5, bob)], NOW)).toBe(0)
    expect(selectPresence(key, [], NOW)).toBe(0)
  })
})
