import { fromString, toString } from 'uint8arrays'
import { Reader, Writer } from '../codec.ts'
import { DecodeError } from '../errors.ts'
import { DH_KEY_BYTES } from './dh-identity.ts'
import { PREKEY_ID_MAX } from './prekey.ts'

// X3DH sections 4.2-4.3: without one-time prekeys, an attacker who recorded an initial
// message can send it again, and the responder would derive the same secrets and accept the
// same first message a second time. So the responder remembers every (prekeyId, ephemeral
// key) it accepted for as long as it holds that prekey's secret; once the secret is dropped,
// a replay cannot be read at all and the entries can go (forgetPrekey).
//
// Use it after the initial message's ratchet message has decrypted, and before committing the
// new session: remembering unauthenticated junk would let anyone fill the cache.
//
// Bounded, and when full it refuses new initial messages rather than forget old entries:
// forgetting is exactly what an attacker needs to replay (send enough fresh messages to push
// the recorded one's entry out, then replay it). Refusing is a denial of new sessions until
// prekeys rotate and their entries are dropped, which is recoverable and visible; a replay
// accepted as a new conversation is neither.

export const REPLAY_CACHE_MAX = 10_000
const REPLAY_CACHE_VERSION = 1

/** Immutable and structured-clonable (Map and Set store as they are in IndexedDB). */
export interface ReplayCache {
  /** prekeyId -> hex of every ephemeral public key accepted with that prekey */
  readonly prekeys: ReadonlyMap<number, ReadonlySet<string>>
  readonly size: number
}

export type ReplayCheck =
  | { cache: ReplayCache, fresh: true }
  | { cache: ReplayCache, fresh: false, reason: 'replay' | 'full' }

export function emptyReplayCache (): ReplayCache {
  return { prekeys: new Map(), size: 0 }
}

function assertEntry (prekeyId: number, ephemeralPublic: Uint8Array): void {
  if (!Number.isSafeInteger(prekeyId) || prekeyId < 0 || prekeyId > PREKEY_ID_MAX) throw new TypeError(`prekeyId out of range: ${prekeyId}`)
  if (!(ephemeralPublic instanceof Uint8Array) || ephemeralPublic.length !== DH_KEY_BYTES) {
    throw new TypeError(`ephemeralPublic must be ${DH_KEY_BYTES} bytes`)
  }
}

export function hasSeen (cache: ReplayCache, prekeyId: number, ephemeralPublic: Uint8Array): boolean {
  assertEntry(prekeyId, ephemeralPublic)
  return cache.prekeys.get(prekeyId)?.has(toString(ephemeralPublic, 'hex')) === true
}

/** Fresh: remembered from now on. Not fresh: a replay, or no room left; the cache is unchanged. */
export function checkAndRemember (cache: ReplayCache, prekeyId: number, ephemeralPublic: Uint8Array): ReplayCheck {
  if (hasSeen(cache, prekeyId, ephemeralPublic)) return { cache, fresh: false, reason: 'replay' }
  if (cache.size >= REPLAY_CACHE_MAX) return { cache, fresh: false, reason: 'full' }
  const bucket = new Set(cache.prekeys.get(prekeyId))
  bucket.add(toString(ephemeralPublic, 'hex'))
  const prekeys = new Map(cache.prekeys)
  prekeys.set(prekeyId, bucket)
  return { cache: { prekeys, size: cache.size + 1 }, fresh: true }
}

/** Call when a prekey's secret is dropped: its initial messages can no longer be read anyway. */
export function forgetPrekey (cache: ReplayCache, prekeyId: number): ReplayCache {
  const bucket = cache.prekeys.get(prekeyId)
  if (bucket === undefined) return cache
  const prekeys = new Map(cache.prekeys)
  prekeys.delete(prekeyId)
  return { prekeys, size: cache.size - bucket.size }
}

/**
 * Keeps only the prekeys whose secrets are still held: a repair for a crash between dropping
 * a secret and forgetting its entries, which would otherwise hold room in the cache forever.
 */
export function retainPrekeys (cache: ReplayCache, heldPrekeyIds: Iterable<number>): ReplayCache {
  const held = new Set(heldPrekeyIds)
  let next = cache
  for (const prekeyId of cache.prekeys.keys()) {
    if (!held.has(prekeyId)) next = forgetPrekey(next, prekeyId)
  }
  return next
}

/** One encoding per cache: prekeys in ascending id order, keys in ascending byte order. */
export function encodeReplayCache (cache: ReplayCache): Uint8Array {
  const ids = [...cache.prekeys.keys()].sort((a, b) => a - b)
  const w = new Writer().u8(REPLAY_CACHE_VERSION).uvarint(ids.length)
  for (const id of ids) {
    const keys = [...cache.prekeys.get(id)!].sort()
    w.uvarint(id).uvarint(keys.length)
    for (const key of keys) w.bytes(fromString(key, 'hex'))
  }
  return w.finish()
}

export function decodeReplayCache (bytes: Uint8Array): ReplayCache {
  if (!(bytes instanceof Uint8Array)) throw new DecodeError('replayCache', 'is not bytes')
  const r = new Reader(bytes)
  if (r.u8('version') !== REPLAY_CACHE_VERSION) throw new DecodeError('version', 'unknown replay cache version')
  const prekeys = new Map<number, Set<string>>()
  let size = 0
  let lastId = -1
  const prekeyCount = r.count('prekeys', REPLAY_CACHE_MAX)
  for (let i = 0; i < prekeyCount; i++) {
    const id = r.uvarint('prekeyId')
    if (id > PREKEY_ID_MAX) throw new DecodeError('prekeyId', `is larger than ${PREKEY_ID_MAX}`)
    if (id <= lastId) throw new DecodeError('prekeyId', 'is out of order or repeated')
    lastId = id
    const n = r.count('ephemeralKeys', REPLAY_CACHE_MAX - size)
    if (n === 0) throw new DecodeError('ephemeralKeys', 'a prekey has no entries')
    const bucket = new Set<string>()
    let lastKey = ''
    for (let j = 0; j < n; j++) {
      const key = toString(r.bytes('ephemeralPublic', { max: DH_KEY_BYTES, exact: DH_KEY_BYTES }), 'hex')
      if (key <= lastKey) throw new DecodeError('ephemeralPublic', 'is out of order or repeated')
      lastKey = key
      bucket.add(key)
    }
    prekeys.set(id, bucket)
    size += n
  }
  r.done('replay cache')
  return { prekeys, size }
}
