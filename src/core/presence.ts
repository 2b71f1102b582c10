import { equals } from 'uint8arrays'
import { PUBLIC_KEY_BYTES } from '../crypto/index.ts'
import { Reader, Writer, utf8 } from './codec.ts'
import { DecodeError, InvalidRecordError } from './errors.ts'
import type { Identity } from './identity.ts'
import { appendSignature, hasValidSignature, splitSignature } from './signed-record.ts'
import { encodeUserId } from './user-id.ts'

/**
 * A presence record ("coordinates"): which libp2p peers currently serve an identity and at
 * which addresses, kept in the Kademlia DHT under the identity's presence key.
 */
export interface Presence {
  publicKey: Uint8Array
  /** Higher wins: a newer record replaces an older one wherever both are held. */
  seq: number
  expiresAt: number
  peers: Array<{ peerId: string, addrs: string[] }>
}

export type PresenceFields = Omit<Presence, 'publicKey'>

/** js kad-dht picks a record's validator and selector by the key's first path segment. */
export const PRESENCE_NAMESPACE = 'murmur-presence'
export const PRESENCE_MAX_BYTES = 4096
/** Nobody may park a record in other people's DHT storage for longer than a day. */
export const PRESENCE_MAX_TTL_MS = 24 * 60 * 60 * 1000
export const PRESENCE_MAX_PEERS = 8
export const PRESENCE_MAX_ADDRS = 8
export const PRESENCE_MAX_STRING_BYTES = 256
const PRESENCE_VERSION = 1
const CONTEXT = 'murmur/presence/v1'

const MESSAGES = {
  malformed: 'This presence record is malformed.',
  oversize: `This presence record is larger than ${PRESENCE_MAX_BYTES} bytes.`,
  signature: 'This presence record is not signed by the identity it names.',
  expired: 'This presence record has expired.',
  'too-far-future': 'This presence record claims to stay valid for longer than a day.',
  'wrong-key': 'This presence record is stored under another identity\'s key.'
} as const

export function presenceKey (publicKey: Uint8Array): Uint8Array {
  return utf8(`/${PRESENCE_NAMESPACE}/${encodeUserId(publicKey)}`)
}

const isShortText = (s: string): boolean =>
  typeof s === 'string' && s.length > 0 && utf8(s).length <= PRESENCE_MAX_STRING_BYTES

function assertFields (fields: PresenceFields): void {
  const bad = (field: string): InvalidRecordError => new InvalidRecordError('malformed', MESSAGES.malformed, { field })
  if (!Number.isSafeInteger(fields.seq) || fields.seq < 0) throw bad('seq')
  if (!Number.isSafeInteger(fields.expiresAt) || fields.expiresAt < 0) throw bad('expiresAt')
  if (fields.peers.length > PRESENCE_MAX_PEERS) throw bad('peers')
  for (const peer of fields.peers) {
    if (!isShortText(peer.peerId)) throw bad('peerId')
    if (peer.addrs.length > PRESENCE_MAX_ADDRS || !peer.addrs.every(isShortText)) throw bad('addrs')
  }
}

/** Signs a presence record; refuses one that other nodes' validators would reject. */
export function encodePresence (identity: Identity, fields: PresenceFields): Uint8Array {
  assertFields(fields)
  const w = new Writer()
    .u8(PRESENCE_VERSION)
    .bytes(identity.publicKey)
    .uvarint(fields.seq)
    .uvarint(fields.expiresAt)
    .uvarint(fields.peers.length)
  for (const peer of fields.peers) {
    w.string(peer.peerId).uvarint(peer.addrs.length)
    for (const addr of peer.addrs) w.string(addr)
  }
  const record = appendSignature(identity, CONTEXT, w.finish())
  if (record.length > PRESENCE_MAX_BYTES) throw new InvalidRecordError('oversize', MESSAGES.oversize, { field: 'record' })
  return record
}

function parseBody (body: Uint8Array): Presence {
  const r = new Reader(body)
  if (r.u8('version') !== PRESENCE_VERSION) throw new DecodeError('version', 'unknown presence version')
  const publicKey = r.bytes('publicKey', { max: PUBLIC_KEY_BYTES, exact: PUBLIC_KEY_BYTES })
  const seq = r.uvarint('seq')
  const expiresAt = r.uvarint('expiresAt')
  const peers: Presence['peers'] = []
  const peerCount = r.count('peers', PRESENCE_MAX_PEERS)
  for (let i = 0; i < peerCount; i++) {
    const peerId = r.string('peerId', { maxBytes: PRESENCE_MAX_STRING_BYTES })
    if (peerId.length === 0) throw new DecodeError('peerId', 'is empty')
    const addrs: string[] = []
    const addrCount = r.count('addrs', PRESENCE_MAX_ADDRS)
    for (let j = 0; j < addrCount; j++) {
      const addr = r.string('addrs', { maxBytes: PRESENCE_MAX_STRING_BYTES })
      if (addr.length === 0) throw new DecodeError('addrs', 'an address is empty')
      addrs.push(addr)
    }
    peers.push({ peerId, addrs })
  }
  r.done('presence')
  return { publicKey, seq, expiresAt, peers }
}

/** Decodes and fully checks a presence record as it comes out of (or goes into) the DHT. */
export function decodePresence (bytes: Uint8Array, now: number = Date.now()): Presence {
  if (!(bytes instanceof Uint8Array)) throw new InvalidRecordError('malformed', MESSAGES.malformed, { field: 'record' })
  if (bytes.length > PRESENCE_MAX_BYTES) throw new InvalidRecordError('oversize', MESSAGES.oversize, { field: 'record' })
  const parts = splitSignature(bytes)
  if (parts === undefined) throw new InvalidRecordError('malformed', MESSAGES.malformed, { field: 'signature' })
  let presence: Presence
  try {
    presence = parseBody(parts.body)
  } catch (err) {
    if (err instanceof DecodeError) throw new InvalidRecordError('malformed', MESSAGES.malformed, { field: err.field, cause: err })
    throw err
  }
  // Cheap checks first, the signature last.
  if (presence.expiresAt <= now) throw new InvalidRecordError('expired', MESSAGES.expired, { field: 'expiresAt' })
  if (presence.expiresAt > now + PRESENCE_MAX_TTL_MS) {
    throw new InvalidRecordError('too-far-future', MESSAGES['too-far-future'], { field: 'expiresAt' })
  }
  if (!hasValidSignature(CONTEXT, parts.body, parts.signature, presence.publicKey)) {
    throw new InvalidRecordError('signature', MESSAGES.signature, { field: 'signature' })
  }
  return presence
}

function decodeUnderKey (key: Uint8Array, value: Uint8Array, now: number): Presence {
  const presence = decodePresence(value, now)
  if (!(key instanceof Uint8Array) || !equals(key, presenceKey(presence.publicKey))) {
    throw new InvalidRecordError('wrong-key', MESSAGES['wrong-key'], { field: 'key' })
  }
  return presence
}

/** The DHT validator: a valid record, stored under its own identity's key. */
export function validatePresenceRecord (key: Uint8Array, value: Uint8Array, now: number = Date.now()): void {
  decodeUnderKey(key, value, now)
}

/**
 * The DHT selector: the index of the valid record with the highest seq (the first one on a
 * tie, so the choice is stable). Invalid records never win; with none valid, 0, because
 * kad-dht needs an index and will validate that record itself anyway.
 */
export function selectPresence (key: Uint8Array, values: Uint8Array[], now: number = Date.now()): number {
  let best = 0
  let bestSeq = -1
  values.forEach((value, index) => {
    let seq: number
    try {
      seq = decodeUnderKey(key, value, now).seq
    } catch (err) {
      if (err instanceof InvalidRecordError) return
      throw err
    }
    if (seq > bestSeq) {
      best = index
      bestSeq = seq
    }
  })
  return best
}
