import { equals, toString } from 'uint8arrays'
import { isBytes, PUBLIC_KEY_BYTES, type SigningKeyPair } from '../../crypto/index.ts'
import { Reader, Writer } from '../codec.ts'
import { DecodeError, InvalidRecordError, type InvalidRecordReason } from '../errors.ts'
import { MESSAGE_ID_BYTES } from '../message-id.ts'
import { appendSignature, hasValidSignature, splitSignature } from '../signed-record.ts'
import { mailboxSlotKey } from './slots.ts'

/**
 * A mailbox record: the messages waiting in one slot, as opaque session payloads (already
 * end-to-end encrypted; holders see only sizes). The writer rewrites the whole record, with a
 * higher seq, to add a message or to delete them all (no entries: a tombstone).
 */
export interface MailboxRecord {
  /** The slot's Ed25519 write key; it signs the record and names the slot. */
  writeKey: Uint8Array
  /** Not on the wire: the DHT key this record belongs at, a hash of writeKey (and of the kind). */
  slotKey: Uint8Array
  /**
   * A claimed (first-contact) slot's owner: the newcomer's own key for this slot, which also
   * signs the record. Holders keep the first owner of a slot (src/core/mailbox/claim.ts).
   * Absent on shared (pair) slots.
   */
  owner?: Uint8Array
  /** Higher wins wherever two versions of a slot meet. */
  seq: number
  /** When this version was signed; republishing signs again. */
  createdAt: number
  expiresAt: number
  entries: MailboxEntry[]
}

export interface MailboxEntry {
  /** The message id, so a reader that drains several holders keeps each message once. */
  id: Uint8Array
  payload: Uint8Array
}

export type MailboxRecordFields = Omit<MailboxRecord, 'writeKey' | 'slotKey' | 'owner'>

/** A 60 KiB session payload and its record around it fit; the record is all a holder stores. */
export const MAILBOX_MAX_BYTES = 64 * 1024
export const MAILBOX_MAX_ENTRIES = 32
/** The longest a message waits (the anchors keep 14-21 days); a holder refuses anything longer. */
export const MAILBOX_RETENTION_MS = 21 * 24 * 60 * 60 * 1000
/** Clock slack on top of the retention for expiresAt, and for createdAt on its own. */
export const MAILBOX_MAX_FUTURE_MS = 10 * 60 * 1000
export const MAILBOX_MAX_TTL_MS = MAILBOX_RETENTION_MS + MAILBOX_MAX_FUTURE_MS
const MAILBOX_VERSION = 1
/** Version 2: a claimed slot's record, with an owner key that signs it too. */
const CLAIMED_VERSION = 2
const CONTEXT = 'murmur/mailbox/v1'
const OWNER_CONTEXT = 'murmur/mailbox/owner/v1'

const MESSAGES = {
  malformed: 'This mailbox record is malformed.',
  oversize: `This mailbox record is larger than ${MAILBOX_MAX_BYTES} bytes.`,
  signature: 'This mailbox record is not signed by the write key it names.',
  expired: 'This mailbox record has expired.',
  'too-far-future': 'This mailbox record is dated in the future or claims to stay valid for longer than 21 days.',
  'wrong-key': 'This mailbox record is stored under another slot\'s key.'
} as const satisfies Record<InvalidRecordReason, string>

const reject = (reason: InvalidRecordReason, field: string, cause?: unknown): InvalidRecordError =>
  new InvalidRecordError(reason, MESSAGES[reason], { field, cause })

const isTime = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0
export function isTombstone (record: Pick<MailboxRecord, 'entries'>): boolean {
  return record.entries.length === 0
}

function assertFields (f: MailboxRecordFields): void {
  if (!isTime(f.seq)) throw reject('malformed', 'seq')
  if (!isTime(f.createdAt)) throw reject('malformed', 'createdAt')
  if (!isTime(f.expiresAt) || f.expiresAt <= f.createdAt) throw reject('malformed', 'expiresAt')
  if (f.expiresAt - f.createdAt > MAILBOX_MAX_TTL_MS) throw reject('too-far-future', 'expiresAt')
  if (!Array.isArray(f.entries) || f.entries.length > MAILBOX_MAX_ENTRIES) throw reject('malformed', 'entries')
  const ids = new Set<string>()
  for (const entry of f.entries) {
    if (!isBytes(entry.id) || entry.id.length !== MESSAGE_ID_BYTES) throw reject('malformed', 'id')
    if (!isBytes(entry.payload) || entry.payload.length === 0) throw reject('malformed', 'payload')
    ids.add(toString(entry.id, 'hex'))
  }
  if (ids.size !== f.entries.length) throw reject('malformed', 'id')
}

/**
 * Signs a mailbox record; refuses one that holders' validators would reject whatever the time.
 * With `owner`, a claimed slot's record (version 2): signed by the owner, then the write key.
 */
export function encodeMailboxRecord (writeKey: SigningKeyPair, fields: MailboxRecordFields, owner?: SigningKeyPair): Uint8Array {
  if (!isBytes(writeKey.publicKey) || writeKey.publicKey.length !== PUBLIC_KEY_BYTES) throw new TypeError(`writeKey.publicKey must be ${PUBLIC_KEY_BYTES} bytes`)
  assertFields(fields)
  // A payload too big for the record is refused here, before it is copied into a body.
  let total = 0
  for (const entry of fields.entries) total += entry.payload.length
  if (total > MAILBOX_MAX_BYTES) throw reject('oversize', 'record')
  if (owner != null && (!isBytes(owner.publicKey) || owner.publicKey.length !== PUBLIC_KEY_BYTES)) throw new TypeError(`owner.publicKey must be ${PUBLIC_KEY_BYTES} bytes`)
  const w = new Writer().u8(owner == null ? MAILBOX_VERSION : CLAIMED_VERSION).bytes(writeKey.publicKey)
  if (owner != null) w.bytes(owner.publicKey)
  w.uvarint(fields.seq)
    .uvarint(fields.createdAt)
    .uvarint(fields.expiresAt)
    .uvarint(fields.entries.length)
  for (const entry of fields.entries) w.bytes(entry.id).bytes(entry.payload)
  const body = owner == null ? w.finish() : appendSignature(owner, OWNER_CONTEXT, w.finish())
  const record = appendSignature(writeKey, CONTEXT, body)
  if (record.length > MAILBOX_MAX_BYTES) throw reject('oversize', 'record')
  return record
}

function parseBody (body: Uint8Array): MailboxRecord {
  const r = new Reader(body)
  const version = r.u8('version')
  if (version !== MAILBOX_VERSION && version !== CLAIMED_VERSION) throw new DecodeError('version', 'unknown mailbox record version')
  const writeKey = r.bytes('writeKey', { max: PUBLIC_KEY_BYTES, exact: PUBLIC_KEY_BYTES })
  const owner = version === CLAIMED_VERSION ? r.bytes('owner', { max: PUBLIC_KEY_BYTES, exact: PUBLIC_KEY_BYTES }) : undefined
  const seq = r.uvarint('seq')
  const createdAt = r.uvarint('createdAt')
  const expiresAt = r.uvarint('expiresAt')
  if (expiresAt <= createdAt) throw new DecodeError('expiresAt', 'is not after createdAt')
  const count = r.count('entries', MAILBOX_MAX_ENTRIES)
  const entries: MailboxEntry[] = []
  const ids = new Set<string>()
  for (let i = 0; i < count; i++) {
    const id = r.bytes('id', { max: MESSAGE_ID_BYTES, exact: MESSAGE_ID_BYTES })
    const payload = r.bytes('payload', { max: MAILBOX_MAX_BYTES })
    if (payload.length === 0) throw new DecodeError('payload', 'is empty')
    // One id twice would be one message stored twice, or two messages that cannot be told apart.
    const hex = toString(id, 'hex')
    if (ids.has(hex)) throw new DecodeError('id', 'appears twice')
    ids.add(hex)
    entries.push({ id, payload })
  }
  r.done('mailbox record')
  const record: MailboxRecord = { writeKey, slotKey: mailboxSlotKey(writeKey, owner == null ? 'shared' : 'claimed'), seq, createdAt, expiresAt, entries }
  if (owner != null) record.owner = owner
  return record
}

/** Decodes and fully checks a mailbox record, except where it is stored (see validateMailboxRecord). */
export function decodeMailboxRecord (bytes: Uint8Array, now: number = Date.now()): MailboxRecord {
  if (!isBytes(bytes)) throw reject('malformed', 'record')
  if (bytes.length > MAILBOX_MAX_BYTES) throw reject('oversize', 'record')
  const parts = splitSignature(bytes)
  if (parts === undefined) throw reject('malformed', 'signature')
  // A claimed slot's record has the owner's signature inside the write key's.
  const ownerParts = parts.body[0] === CLAIMED_VERSION ? splitSignature(parts.body) : undefined
  if (parts.body[0] === CLAIMED_VERSION && ownerParts === undefined) throw reject('malformed', 'owner signature')
  let record: MailboxRecord
  try {
    record = parseBody(ownerParts?.body ?? parts.body)
  } catch (err) {
    if (err instanceof DecodeError) throw reject('malformed', err.field, err)
    throw err
  }
  // Cheap checks first, the signature last.
  if (record.expiresAt <= now) throw reject('expired', 'expiresAt')
  if (record.createdAt > now + MAILBOX_MAX_FUTURE_MS) throw reject('too-far-future', 'createdAt')
  if (record.expiresAt > now + MAILBOX_MAX_TTL_MS) throw reject('too-far-future', 'expiresAt')
  if (!hasValidSignature(CONTEXT, parts.body, parts.signature, record.writeKey)) throw reject('signature', 'signature')
  if (ownerParts !== undefined && !hasValidSignature(OWNER_CONTEXT, ownerParts.body, ownerParts.signature, record.owner!)) throw reject('signature', 'owner signature')
  return record
}

function decodeUnderKey (key: Uint8Array, value: Uint8Array, now: number): MailboxRecord {
  const record = decodeMailboxRecord(value, now)
  // The slot key is a hash of the write key: a record signed by any other key, however valid,
  // cannot sit at this slot, so nobody but the slot's writer can replace or delete its record.
  if (!isBytes(key) || !equals(key, record.slotKey)) throw reject('wrong-key', 'key')
  return record
}

/** The DHT validator: a valid record, stored at the slot its write key names. */
export function validateMailboxRecord (key: Uint8Array, value: Uint8Array, now: number = Date.now()): void {
  decodeUnderKey(key, value, now)
}

/**
 * The DHT selector: the index of the valid record with the highest seq; on a tie the later
 * createdAt, then the first one, so the choice is stable. Every valid record at one slot key
 * has the same write key (the validator ties them), so a record by anyone else is invalid
 * and never wins, whatever its seq. With none valid, 0: kad-dht needs an index and will
 * validate that record itself anyway.
 */
export function selectMailboxRecord (key: Uint8Array, values: Uint8Array[], now: number = Date.now()): number {
  let best = 0
  let bestRecord: { seq: number, createdAt: number } | undefined
  values.forEach((value, index) => {
    let record: MailboxRecord
    try {
      record = decodeUnderKey(key, value, now)
    } catch (err) {
      if (err instanceof InvalidRecordError) return
      throw err
    }
    const newer = bestRecord === undefined ||
      record.seq > bestRecord.seq ||
      (record.seq === bestRecord.seq && record.createdAt > bestRecord.createdAt)
    if (newer) {
      best = index
      bestRecord = record
    }
  })
  return best
}
