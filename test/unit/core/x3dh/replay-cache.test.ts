import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { equals } from 'uint8arrays'
import { Writer } from '../../../../src/core/codec.ts'
import {
  checkAndRemember,
  decodeReplayCache,
  emptyReplayCache,
  encodeReplayCache,
  entriesFor,
  entriesOf,
  forgetPrekey,
  hasSeen,
  retainPrekeys,
  REPLAY_CACHE_MAX,
  REPLAY_PER_PREKEY_MAX,
  REPLAY_PER_SENDER_MAX,
  type ReplayCache
} from '../../../../src/core/x3dh/replay-cache.ts'
import { isOurError, thrown } from './support.ts'

/** A distinct 32-byte key for each number. */
function key32 (n: number, tag: number): Uint8Array {
  const key = new Uint8Array(32)
  new DataView(key.buffer).setUint32(0, n)
  key[31] = tag
  return key
}
const eph = (n: number): Uint8Array => key32(n, 0xee)
/** The hex of a sender's identity key. */
const owner = (n: number): string => Buffer.from(key32(n, 0x0a)).toString('hex')

function remember (cache: ReplayCache, prekeyId: number, key: Uint8Array, who = owner(0)): ReplayCache {
  const result = checkAndRemember(cache, prekeyId, key, who)
  expect(result.fresh).toBe(true)
  return result.cache
}

/** `n` entries under one prekey, each for its own sender (no sender quota in the way). */
function filled (prekeyId: number, n: number, from = 0, start = emptyReplayCache()): ReplayCache {
  let cache = start
  for (let i = from; i < from + n; i++) cache = remember(cache, prekeyId, eph(i), owner(i))
  return cache
}

/** A version 1 encoding (no owners) of `n` entries under one prekey, written by hand. */
function v1Bytes (prekeyId: number, n: number): Writer {
  const w = new Writer().u8(1).uvarint(1).uvarint(prekeyId).uvarint(n)
  for (let i = 0; i < n; i++) w.bytes(eph(i))
  return w
}

describe('replay cache', () => {
  it('an initial message is fresh once, then a replay', () => {
    const first = checkAndRemember(emptyReplayCache(), 7, eph(1), owner(1))
    expect(first.fresh).toBe(true)
    expect(first.cache.size).toBe(1)
    const again = checkAndRemember(first.cache, 7, eph(1), owner(2))
    expect(again).toEqual({ cache: first.cache, fresh: false, reason: 'replay' })
    expect(hasSeen(first.cache, 7, eph(1))).toBe(true)
  })

  it('the same ephemeral key with another prekey, or another key with the same prekey, is fresh', () => {
    const cache = remember(emptyReplayCache(), 7, eph(1))
    expect(checkAndRemember(cache, 8, eph(1)).fresh).toBe(true)
    expect(checkAndRemember(cache, 7, eph(2)).fresh).toBe(true)
  })

  it('never changes the cache it is given', () => {
    const empty = emptyReplayCache()
    const one = remember(empty, 7, eph(1))
    remember(one, 7, eph(2))
    expect(empty.size).toBe(0)
    expect(empty.prekeys.size).toBe(0)
    expect(one.size).toBe(1)
    expect(hasSeen(one, 7, eph(2))).toBe(false)
  })

  it('forgetPrekey drops exactly that prekey\'s entries', () => {
    let cache = remember(remember(remember(emptyReplayCache(), 7, eph(1)), 7, eph(2)), 8, eph(3))
    cache = forgetPrekey(cache, 7)
    expect(cache.size).toBe(1)
    expect(hasSeen(cache, 7, eph(1))).toBe(false)
    expect(hasSeen(cache, 8, eph(3))).toBe(true)
    expect(forgetPrekey(cache, 99)).toBe(cache)
  })

  it('retainPrekeys keeps only the prekeys whose secrets are still held', () => {
    const cache = remember(remember(remember(emptyReplayCache(), 7, eph(1)), 8, eph(2)), 9, eph(3))
    const kept = retainPrekeys(cache, [9, 7, 100])
    expect(kept.size).toBe(2)
    expect([...kept.prekeys.keys()].sort()).toEqual([7, 9])
    expect(hasSeen(kept, 8, eph(2))).toBe(false)
  })

  it('a sender holds at most REPLAY_PER_SENDER_MAX entries; others are not affected', () => {
    let cache = emptyReplayCache()
    for (let i = 0; i < REPLAY_PER_SENDER_MAX; i++) cache = remember(cache, 7 + (i % 2), eph(i), owner(1))
    expect(entriesOf(cache, owner(1))).toBe(REPLAY_PER_SENDER_MAX)
    const refused = checkAndRemember(cache, 9, eph(100), owner(1))
    expect(refused).toMatchObject({ fresh: false, reason: 'sender-quota' })
    expect(refused.cache).toBe(cache)
    expect(checkAndRemember(cache, 9, eph(100), owner(2)).fresh).toBe(true)
    // Forgetting a prekey gives the sender room again.
    expect(checkAndRemember(forgetPrekey(cache, 7), 9, eph(100), owner(1)).fresh).toBe(true)
  })

  it('a prekey holds at most REPLAY_PER_PREKEY_MAX entries, and the cache REPLAY_CACHE_MAX; full means refused, never forgotten', () => {
    const one = filled(7, REPLAY_PER_PREKEY_MAX)
    expect(entriesFor(one, 7)).toBe(REPLAY_PER_PREKEY_MAX)
    expect(checkAndRemember(one, 7, eph(99_999), owner(99_999))).toMatchObject({ fresh: false, reason: 'full' })
    expect(checkAndRemember(one, 8, eph(99_999), owner(99_999)).fresh).toBe(true)

    let all = one
    for (let id = 8; all.size < REPLAY_CACHE_MAX; id++) all = filled(id, Math.min(REPLAY_PER_PREKEY_MAX, REPLAY_CACHE_MAX - all.size), all.size, all)
    expect(all.size).toBe(REPLAY_CACHE_MAX)
    const refused = checkAndRemember(all, 500, eph(99_999), owner(99_999))
    expect(refused).toMatchObject({ fresh: false, reason: 'full' })
    expect(refused.cache).toBe(all)
    // The oldest entry is still remembered: a replay of it is still caught.
    expect(checkAndRemember(all, 7, eph(0))).toMatchObject({ fresh: false, reason: 'replay' })
    // Once a prekey is dropped, there is room again.
    expect(checkAndRemember(forgetPrekey(all, 7), 500, eph(99_999), owner(99_999)).fresh).toBe(true)
  })
})

describe('replay cache encoding', () => {
  it('round trips with owners, and one cache has one encoding whatever the order entries came in', () => {
    const a = remember(remember(remember(emptyReplayCache(), 9, eph(2), owner(1)), 3, eph(5), ''), 9, eph(1), owner(2))
    const b = remember(remember(remember(emptyReplayCache(), 9, eph(1), owner(2)), 9, eph(2), owner(1)), 3, eph(5), '')
    const decoded = decodeReplayCache(encodeReplayCache(a))
    expect(decoded).toEqual(a)
    expect(encodeReplayCache(a)).toEqual(encodeReplayCache(b))
    expect(entriesOf(decoded, owner(1))).toBe(1)
    expect(decodeReplayCache(encodeReplayCache(emptyReplayCache()))).toEqual(emptyReplayCache())
  })

  it('reads a version 1 cache (no owners), even one over today\'s bounds, which then takes no new entry', () => {
    const old = decodeReplayCache(v1Bytes(7, 10_000).finish())
    expect(old.size).toBe(10_000)
    expect(entriesOf(old, '')).toBe(10_000)
    expect(checkAndRemember(old, 8, eph(10_001), owner(1))).toMatchObject({ fresh: false, reason: 'full' })
    expect(checkAndRemember(old, 7, eph(3), owner(1))).toMatchObject({ fresh: false, reason: 'replay' })
    // Written back as version 2, it still reads (equals: a deep compare of 10,000 entries is slow).
    const again = encodeReplayCache(old)
    expect(again[0]).toBe(2)
    expect(equals(encodeReplayCache(decodeReplayCache(again)), again)).toBe(true)
  })

  it('refuses more entries than any stored cache ever held, before reading them', () => {
    const field = (bytes: Uint8Array): string => thrown(() => decodeReplayCache(bytes)).field
    expect(field(new Writer().u8(2).uvarint(1).uvarint(7).uvarint(10_001).finish())).toBe('ephemeralKeys')
    expect(field(new Writer().u8(2).uvarint(10_001).finish())).toBe('prekeys')
    // A full first prekey leaves no room for a second.
    const w = v1Bytes(7, 10_000)
    w.uvarint(8).uvarint(1).bytes(eph(0))
    const bytes = w.finish()
    bytes[1] = 2 // two prekeys
    expect(field(bytes)).toBe('ephemeralKeys')
  })

  it('refuses repeats, disorder, empty prekeys, bad lengths and truncation', () => {
    const field = (bytes: Uint8Array): string => thrown(() => decodeReplayCache(bytes)).field
    const none = new Uint8Array(0)
    const write = (f: (w: Writer) => Writer): Uint8Array => f(new Writer().u8(2)).finish()
    expect(field(write((w) => w.uvarint(2).uvarint(5).uvarint(1).bytes(eph(1)).bytes(none).uvarint(5).uvarint(1).bytes(eph(2)).bytes(none)))).toBe('prekeyId')
    expect(field(write((w) => w.uvarint(2).uvarint(5).uvarint(1).bytes(eph(1)).bytes(none).uvarint(4).uvarint(1).bytes(eph(2)).bytes(none)))).toBe('prekeyId')
    expect(field(write((w) => w.uvarint(1).uvarint(5).uvarint(2).bytes(eph(1)).bytes(none).bytes(eph(1)).bytes(none)))).toBe('ephemeralPublic')
    expect(field(write((w) => w.uvarint(1).uvarint(5).uvarint(2).bytes(eph(2)).bytes(none).bytes(eph(1)).bytes(none)))).toBe('ephemeralPublic')
    expect(field(write((w) => w.uvarint(1).uvarint(5).uvarint(0)))).toBe('ephemeralKeys')
    expect(field(write((w) => w.uvarint(1).uvarint(2 ** 32).uvarint(1).bytes(eph(1)).bytes(none)))).toBe('prekeyId')
    expect(field(write((w) => w.uvarint(1).uvarint(5).uvarint(1).bytes(new Uint8Array(31)).bytes(none)))).toBe('ephemeralPublic')
    expect(field(write((w) => w.uvarint(1).uvarint(5).uvarint(1).bytes(eph(1)).bytes(new Uint8Array(5))))).toBe('owner')
    expect(field(new Uint8Array([3, 0]))).toBe('version')
    const good = encodeReplayCache(remember(remember(emptyReplayCache(), 9, eph(2)), 3, eph(5), ''))
    for (let n = 0; n < good.length; n++) expect(thrown(() => decodeReplayCache(good.subarray(0, n))).name).toBe('DecodeError')
    expect(field(new Uint8Array([...good, 0]))).toBe('replay cache')
  })

  it('property: random bytes fail only with typed errors', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      try {
        decodeReplayCache(bytes)
      } catch (err) {
        expect(isOurError(err)).toBe(true)
      }
    }))
  })
})
