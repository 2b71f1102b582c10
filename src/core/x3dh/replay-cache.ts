import { fromString, toString } from 'uint8arrays'
import { Reader, Writer } from '../codec.ts'
import { DecodeError } from '../errors.ts'
import { DH_KEY_BYTES } from './dh-identity.ts'
import { PREKEY_ID_MAX } from './prekey.ts'

// X3DH sections 4.2-4.3: without one-time prekeys, an attacker who recorded an initial
// message can send it again, and the responder would derive the same secrets and accept the
// same first message a second time. Two things stop that:
// - while we hold the session a start made, the session itself: it is found by its start
//   (prekeyId, ephemeral key) and its first message key is used up (src/core/session);
// - once that session is pushed out (a contact keeps a few), this cache: every such start
//   whose prekey secret we still hold. Once the secret is dropped a replay cannot be read
//   at all and the entries go (forgetPrekey).
//
// So the cache grows only when someone starts more sessions than we keep for them, and a
// newcomer (who pushes nothing out) never needs room in it. That is what makes it safe to
// bound hard: prekey bundles are public and identities free, so a stranger can start as many
// sessions as they like; bounded per sender, per prekey and in total, the cache refuses only
// the ones who keep starting over. When full it refuses rather than forgets: forgetting is
// what a replay needs (push the recorded start's entry out, then replay it).
//
// An entry is remembered only after its session's first message decrypted (remembering
// unauthenticated junk would let anyone fill it), and the room for it is checked before.

/** Entries in all (new ones are refused past it). */
export const REPLAY_CACHE_MAX = 2048
/** Entries per prekey: an early rotation gives newcomers' restarts a fresh share. */
export const REPLAY_PER_PREKEY_MAX = 1024
/** Entries per sender: a contact who lost its state this often in three weeks is no honest one. */
export const REPLAY_PER_SENDER_MAX = 8
/** When the current prekey holds this many entries, the app rotates it early. */
export const REPLAY_ROTATE_AT = 256
/**
 * What a stored cache may hold when read: caches written before these bounds held up to
 * 10,000 entries under one prekey. Such a cache is over full and takes no new entry until
 * its prekeys are dropped (newcomers need none); it must still be read, or no session could
 * start at all.
 */
const DECODE_MAX = 10_000
const OWNER_BYTES = 32

/**
 * Immutable and structured-clonable. Owners are the hex of the sender's identity key; ''
 * for entries kept before owners were (they count in the totals, for no sender).
 */
export interface ReplayCache {
  /** prekeyId -> hex ephemeral public key -> hex owner */
  readonly prekeys: ReadonlyMap<number, ReadonlyMap<string, string>>
  readonly size: number
}

export type ReplayRefusal = 'replay' | 'full' | 'sender-quota'
export type ReplayCheck =
  | { cache: ReplayCache, fresh: true }
  | { cache: ReplayCache, fresh: false, reason: ReplayRefusal }

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

/** How many entries `owner` (hex identity key) holds, over every prekey. */
export function entriesOf (cache: ReplayCache, owner: string): number {
  let n = 0
  for (const bucket of cache.prekeys.values()) for (const o of bucket.values()) if (o === owner) n++
  return n
}

/** How many entries a prekey holds. */
export const entriesFor = (cache: ReplayCache, prekeyId: number): number => cache.prekeys.get(prekeyId)?.size ?? 0

/** Why one more entry for `owner` under `prekeyId` would not fit, or undefined when it fits. */
export function roomFor (cache: ReplayCache, prekeyId: number, owner: string): 'full' | 'sender-quota' | undefined {
  if (owner !== '' && entriesOf(cache, owner) >= REPLAY_PER_SENDER_MAX) return 'sender-quota'
  if (cache.size >= REPLAY_CACHE_MAX || entriesFor(cache, prekeyId) >= REPLAY_PER_PREKEY_MAX) return 'full'
  return undefined
}

/** Fresh: remembered from now on, for `owner`. Not fresh: a replay, or no room; the cache is unchanged. */
export function checkAndRemember (cache: ReplayCache, prekeyId: number, ephemeralPublic: Uint8Array, owner = ''): ReplayCheck {
  if (hasSeen(cache, prekeyId, ephemeralPublic)) return { cache, fresh: false, reason: 'replay' }
  const refusal = roomFor(cache, prekeyId, owner)
  if (refusal != null) return { cache, fresh: false, reason: refusal }
  const bucket = new Map(cache.prekeys.get(prekeyId))
  bucket.set(toString(ephemeralPublic, 'hex'), owner)
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

/**
 * Version 2, one encoding per cache: prekeys in ascending id order, entries in ascending
 * key order, each key followed by its owner (32 bytes, or none for an unowned entry).
 */
export function encodeReplayCache (cache: ReplayCache): Uint8Array {
  const ids = [...cache.prekeys.keys()].sort((a, b) => a - b)
  const w = new Writer().u8(2).uvarint(ids.length)
  for (const id of ids) {
    const bucket = cache.prekeys.get(id)!
    const keys = [...bucket.keys()].sort()
    w.uvarint(id).uvarint(keys.length)
    for (const key of keys) w.bytes(fromString(key, 'hex')).bytes(fromString(bucket.get(key)!, 'hex'))
  }
  return w.finish()
}

/** Reads version 2, and version 1 (no owners, written before the per-sender bounds). */
export function decodeReplayCache (bytes: Uint8Array): ReplayCache {
  if (!(bytes instanceof Uint8Array)) throw new DecodeError('replayCache', 'is not bytes')
  const r = new Reader(bytes)
  const version = r.u8('version')
  if (version !== 1 && version !== 2) throw new DecodeError('version', 'unknown replay cache version')
  const prekeys = new Map<number, Map<string, string>>()
  let size = 0
  let lastId = -1
  const prekeyCount = r.count('prekeys', DECODE_MAX)
  for (let i = 0; i < prekeyCount; i++) {
    const id = r.uvarint('prekeyId')
    if (id > PREKEY_ID_MAX) throw new DecodeError('prekeyId', `is larger than ${PREKEY_ID_MAX}`)
    if (id <= lastId) throw new DecodeError('prekeyId', 'is out of order or repeated')
    lastId = id
    const n = r.count('ephemeralKeys', DECODE_MAX - size)
    if (n === 0) throw new DecodeError('ephemeralKeys', 'a prekey has no entries')
    const bucket = new Map<string, string>()
    let lastKey = ''
    for (let j = 0; j < n; j++) {
      const key = toString(r.bytes('ephemeralPublic', { max: DH_KEY_BYTES, exact: DH_KEY_BYTES }), 'hex')
      if (key <= lastKey) throw new DecodeError('ephemeralPublic', 'is out of order or repeated')
      lastKey = key
      let owner = ''
      if (version === 2) {
        const raw = r.bytes('owner', { max: OWNER_BYTES })
        if (raw.length !== 0 && raw.length !== OWNER_BYTES) throw new DecodeError('owner', `must be empty or ${OWNER_BYTES} bytes`)
        owner = toString(raw, 'hex')
      }
      bucket.set(key, owner)
    }
    prekeys.set(id, bucket)
    size += n
  }
  r.done('replay cache')
  return { prekeys, size }
}
