import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { equals } from 'uint8arrays'
import { Writer } from '../../../../src/core/codec.ts'
import {
  checkAndRemember,
  decodeReplayCache,
  emptyReplayCache,
  encodeReplayCache,
  forgetPrekey,
  hasSeen,
  retainPrekeys,
  REPLAY_CACHE_MAX,
  type ReplayCache
} from '../../../../src/core/x3dh/replay-cache.ts'
import { isOurError, thrown } from './support.ts'

/** A distinct 32-byte ephemeral key for each number. */
function eph (n: number): Uint8Array {
  const key = new Uint8Array(32)
  new DataView(key.buffer).setUint32(0, n)
  key[31] = 0xee
  return key
}

function remember (cache: ReplayCache, prekeyId: number, key: Uint8Array): ReplayCache {
  const result = checkAndRemember(cache, prekeyId, key)
  expect(result.fresh).toBe(true)
  return result.cache
}

/**
 * The encoding of a cache with `n` entries for one prekey, written by hand (building it with
 * checkAndRemember would copy the growing set 10,000 times).
 */
function cacheBytes (prekeyId: number, n = REPLAY_CACHE_MAX): Writer {
  const w = new Writer().u8(1).uvarint(1).uvarint(prekeyId).uvarint(n)
  for (let i = 0; i < n; i++) w.bytes(eph(i))
  return w
}
const full = decodeReplayCache(cacheBytes(7).finish())

describe('replay cache', () => {
  it('an initial message is fresh once, then a replay', () => {
    const first = checkAndRemember(emptyReplayCache(), 7, eph(1))
    expect(first.fresh).toBe(true)
    expect(first.cache.size).toBe(1)
    const again = checkAndRemember(first.cache, 7, eph(1))
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

  it('when full, refuses new initial messages instead of forgetting old ones', () => {
    expect(full.size).toBe(REPLAY_CACHE_MAX)
    const refused = checkAndRemember(full, 8, eph(REPLAY_CACHE_MAX))
    expect(refused).toMatchObject({ fresh: false, reason: 'full' })
    expect(refused.cache).toBe(full)
    // The oldest entry is still remembered: a replay of it is still caught.
    expect(checkAndRemember(full, 7, eph(0))).toMatchObject({ fresh: false, reason: 'replay' })
    // Once a prekey is dropped, there is room again.
    expect(checkAndRemember(forgetPrekey(full, 7), 8, eph(REPLAY_CACHE_MAX)).fresh).toBe(true)
  })

  it('one below the cap still takes one more, and then no more', () => {
    const almost = decodeReplayCache(cacheBytes(7, REPLAY_CACHE_MAX - 1).finish())
    const last = checkAndRemember(almost, 8, eph(0))
    expect(last.fresh).toBe(true)
    expect(last.cache.size).toBe(REPLAY_CACHE_MAX)
    expect(checkAndRemember(last.cache, 8, eph(1))).toMatchObject({ fresh: false, reason: 'full' })
  })
})

describe('replay cache encoding', () => {
  it('round trips, and one cache has one encoding whatever the order entries came in', () => {
    const a = remember(remember(remember(emptyReplayCache(), 9, eph(2)), 3, eph(5)), 9, eph(1))
    const b = remember(remember(remember(emptyReplayCache(), 9, eph(1)), 9, eph(2)), 3, eph(5))
    const decoded = decodeReplayCache(encodeReplayCache(a))
    expect(decoded).toEqual(a)
    expect(encodeReplayCache(a)).toEqual(encodeReplayCache(b))
    expect(hasSeen(decoded, 9, eph(1))).toBe(true)
    expect(decodeReplayCache(encodeReplayCache(emptyReplayCache()))).toEqual(emptyReplayCache())
  })

  it('a full cache round trips', () => {
    const bytes = cacheBytes(7).finish()
    // equals, not toEqual: a deep compare of 330 kB element by element takes seconds.
    expect(equals(encodeReplayCache(full), bytes)).toBe(true)
  })

  it('refuses more entries than the cap, before reading them', () => {
    const field = (bytes: Uint8Array): string => thrown(() => decodeReplayCache(bytes)).field
    expect(field(new Writer().u8(1).uvarint(1).uvarint(7).uvarint(REPLAY_CACHE_MAX + 1).finish())).toBe('ephemeralKeys')
    expect(field(new Writer().u8(1).uvarint(REPLAY_CACHE_MAX + 1).finish())).toBe('prekeys')
    // A full first prekey leaves no room for a second.
    const w = cacheBytes(7)
    w.uvarint(8).uvarint(1).bytes(eph(0))
    const bytes = w.finish()
    bytes[1] = 2 // two prekeys
    expect(field(bytes)).toBe('ephemeralKeys')
  })

  it('refuses repeats, disorder, empty prekeys, bad lengths and truncation', () => {
    const field = (bytes: Uint8Array): string => thrown(() => decodeReplayCache(bytes)).field
    const write = (f: (w: Writer) => Writer): Uint8Array => f(new Writer().u8(1)).finish()
    expect(field(write((w) => w.uvarint(2).uvarint(5).uvarint(1).bytes(eph(1)).uvarint(5).uvarint(1).bytes(eph(2))))).toBe('prekeyId')
    expect(field(write((w) => w.uvarint(2).uvarint(5).uvarint(1).bytes(eph(1)).uvarint(4).uvarint(1).bytes(eph(2))))).toBe('prekeyId')
    expect(field(write((w) => w.uvarint(1).uvarint(5).uvarint(2).bytes(eph(1)).bytes(eph(1))))).toBe('ephemeralPublic')
    expect(field(write((w) => w.uvarint(1).uvarint(5).uvarint(2).bytes(eph(2)).bytes(eph(1))))).toBe('ephemeralPublic')
    expect(field(write((w) => w.uvarint(1).uvarint(5).uvarint(0)))).toBe('ephemeralKeys')
    expect(field(write((w) => w.uvarint(1).uvarint(2 ** 32).uvarint(1).bytes(eph(1))))).toBe('prekeyId')
    expect(field(write((w) => w.uvarint(1).uvarint(5).uvarint(1).bytes(new Uint8Array(31))))).toBe('ephemeralPublic')
    expect(field(new Uint8Array([2, 0]))).toBe('version')
    const good = encodeReplayCache(remember(remember(emptyReplayCache(), 9, eph(2)), 3, eph(5)))
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
