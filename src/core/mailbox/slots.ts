import { compare, concat, toString } from 'uint8arrays'
import {
  assertBytes,
  dh,
  generateSigningKeyPair,
  hkdf,
  sha256,
  PUBLIC_KEY_BYTES,
  X25519_KEY_BYTES,
  type SigningKeyPair
} from '../../crypto/index.ts'
import { utf8, Writer } from '../codec.ts'

// Where offline messages wait: DHT slots that only the two parties of a conversation can
// name. Each slot has its own Ed25519 write key derived from the conversation's mailbox
// secret, and the slot's DHT key is a hash of that write key's public half. So a holder can
// check that a record was written by the one key allowed at that slot (nobody else can
// replace or delete it), while slot keys and write keys look random and unrelated to each
// other: a holder cannot tell which slots belong to one conversation, nor whose they are.

/** js kad-dht picks a record's validator and selector by the key's first path segment. */
export const MAILBOX_NAMESPACE = 'murmur-mailbox'
export const MAILBOX_SECRET_BYTES = 32
/** Slots rotate daily, so slot keys seen by a holder today say nothing about tomorrow's. */
export const SLOT_EPOCH_MS = 24 * 60 * 60 * 1000
/**
 * Slots per epoch. js kad-dht keeps one value per key per node (last writer wins), so a
 * writer fills slot 0 and moves on to the next one when a record is full; sixteen full
 * records (32 entries each) are 512 queued messages in one day for one reader.
 */
export const SLOTS_PER_EPOCH = 16

const SLOT_SEED_INFO = 'murmur/mailbox/slot/v1'
const SLOT_KEY_CONTEXT = 'murmur/mailbox/slot-key/v1'
const CLAIMED_SLOT_KEY_CONTEXT = 'murmur/mailbox/claimed-slot-key/v1'
const OWNER_INFO = 'murmur/mailbox/owner/v1'
const FIRST_CONTACT_INFO = 'murmur/mailbox/first-contact/v1'
const PAIR_INFO = 'murmur/mailbox/pair/v1'

// Every input here comes from our own storage, not from the network: a wrong one is a
// programming error, so a TypeError or RangeError rather than a record error.
function assertSlot (epoch: number, index: number): void {
  if (!Number.isSafeInteger(epoch) || epoch < 0) throw new RangeError(`epoch must be a non-negative integer, got ${epoch}`)
  if (!Number.isInteger(index) || index < 0 || index >= SLOTS_PER_EPOCH) {
    throw new RangeError(`index must be an integer from 0 to ${SLOTS_PER_EPOCH - 1}, got ${index}`)
  }
}

/** The epoch a time falls in: slots written at `now` belong to it. */
export function slotEpoch (now: number = Date.now()): number {
  if (!Number.isSafeInteger(now) || now < 0) throw new RangeError(`now must be a non-negative integer, got ${now}`)
  return Math.floor(now / SLOT_EPOCH_MS)
}

/**
 * How a slot is owned. `shared`: its one write key is all there is (pair slots, where the
 * two people are the only ones who can derive it). `claimed`: a first-contact slot, which
 * everyone holding the invite can derive, so its record also names an owner key of the one
 * newcomer writing there, and holders keep the first owner (src/core/mailbox/claim.ts). The
 * two kinds hash differently, so a record of one kind can never sit at a slot of the other.
 */
export type SlotKind = 'shared' | 'claimed'

/** The DHT key of the slot written by `writePublicKey`: `/murmur-mailbox/<base32 of a hash>`. */
export function mailboxSlotKey (writePublicKey: Uint8Array, kind: SlotKind = 'shared'): Uint8Array {
  assertBytes(writePublicKey, PUBLIC_KEY_BYTES, 'writePublicKey')
  const context = kind === 'claimed' ? CLAIMED_SLOT_KEY_CONTEXT : SLOT_KEY_CONTEXT
  const digest = sha256(concat([utf8(context), writePublicKey]))
  return utf8(`/${MAILBOX_NAMESPACE}/${toString(digest, 'base32')}`)
}

/**
 * The write key of one slot. `reader` is the Ed25519 identity key of the person who reads the
 * slot: the two directions of a conversation have different readers, so they never share a
 * slot. Deterministic, so the writer can sign again after a restart and the reader finds the
 * same slots; whoever holds the secret can derive it, which is the two parties and nobody else.
 */
export function slotWriteKey (secret: Uint8Array, reader: Uint8Array, epoch: number, index: number): SigningKeyPair {
  assertBytes(secret, MAILBOX_SECRET_BYTES, 'secret')
  assertBytes(reader, PUBLIC_KEY_BYTES, 'reader')
  assertSlot(epoch, index)
  // reader has a fixed length and a varint is prefix-free: one info string per slot.
  const info = concat([utf8(SLOT_SEED_INFO), new Writer().bytes(reader).uvarint(epoch).u8(index).finish()])
  const seed = hkdf(secret, undefined, info, 32)
  return generateSigningKeyPair(() => seed)
}

/** One slot: where to PUT or GET it, and the key its record must be signed with. */
export interface MailboxSlot {
  key: Uint8Array
  writeKey: SigningKeyPair
  epoch: number
  index: number
}

export function mailboxSlot (secret: Uint8Array, reader: Uint8Array, epoch: number, index: number, kind: SlotKind = 'shared'): MailboxSlot {
  const writeKey = slotWriteKey(secret, reader, epoch, index)
  return { key: mailboxSlotKey(writeKey.publicKey, kind), writeKey, epoch, index }
}

/**
 * The owner key a newcomer signs its claimed first-contact slots with: derived from its own
 * identity secret and the slot secret, so it is the same after a restart (its own records
 * stay its own) and says nothing about who it is, nor links its slots of other invites.
 */
export function slotOwnerKey (identitySecretKey: Uint8Array, secret: Uint8Array, epoch: number): SigningKeyPair {
  assertBytes(secret, MAILBOX_SECRET_BYTES, 'secret')
  if (!(identitySecretKey instanceof Uint8Array) || identitySecretKey.length < 32) throw new TypeError('identitySecretKey must be at least 32 bytes')
  if (!Number.isSafeInteger(epoch) || epoch < 0) throw new RangeError(`epoch must be a non-negative integer, got ${epoch}`)
  const seed = hkdf(identitySecretKey, secret, concat([utf8(OWNER_INFO), new Writer().uvarint(epoch).finish()]), 32)
  return generateSigningKeyPair(() => seed)
}

/** The first `count` slot keys of an epoch, in the order a writer fills them. */
export function slotKeys (secret: Uint8Array, reader: Uint8Array, epoch: number, count: number = SLOTS_PER_EPOCH, kind: SlotKind = 'shared'): Uint8Array[] {
  if (!Number.isInteger(count) || count < 0 || count > SLOTS_PER_EPOCH) {
    throw new RangeError(`count must be an integer from 0 to ${SLOTS_PER_EPOCH}, got ${count}`)
  }
  return Array.from({ length: count }, (_, index) => mailboxSlot(secret, reader, epoch, index, kind).key)
}

/**
 * The mailbox secret of two people who know each other's X25519 identity keys (after X3DH:
 * the initiator took the responder's from the prekey bundle, the responder the initiator's
 * from the initial message). A static-static DH: the same for every session between them,
 * so a restarted session still finds its slots, and derivable by nobody else. It has no
 * forward secrecy: a stolen identity key reveals which slots were the pair's, never content.
 * `ours`/`theirs` are Ed25519 identity keys, sorted so both sides bind the same pair.
 */
export function mailboxSecretForPair (
  ourDhSecret: Uint8Array,
  theirDhPublic: Uint8Array,
  ourIdentityKey: Uint8Array,
  theirIdentityKey: Uint8Array
): Uint8Array {
  assertBytes(ourDhSecret, X25519_KEY_BYTES, 'ourDhSecret')
  assertBytes(theirDhPublic, X25519_KEY_BYTES, 'theirDhPublic')
  assertBytes(ourIdentityKey, PUBLIC_KEY_BYTES, 'ourIdentityKey')
  assertBytes(theirIdentityKey, PUBLIC_KEY_BYTES, 'theirIdentityKey')
  const [first, second] = compare(ourIdentityKey, theirIdentityKey) <= 0
    ? [ourIdentityKey, theirIdentityKey]
    : [theirIdentityKey, ourIdentityKey]
  // dh throws WeakKeyError for a low-order key: such a "secret" would be public.
  const shared = dh(ourDhSecret, theirDhPublic)
  try {
    return hkdf(shared, undefined, concat([utf8(PAIR_INFO), first, second]), MAILBOX_SECRET_BYTES)
  } finally {
    shared.fill(0)
  }
}

/**
 * The mailbox secret for messages to someone who does not know us yet: they can only look in
 * slots derived from something they made themselves, so the secret of one of their invites
 * (src/core/invite-secrets.ts, 32 random bytes per link). Everyone who holds that link can
 * derive the slots, so they are `claimed` slots: the first newcomer to write one owns it.
 */
export function mailboxSecretForFirstContact (invitationSecret: Uint8Array, inviterIdentityKey: Uint8Array): Uint8Array {
  assertBytes(invitationSecret, MAILBOX_SECRET_BYTES, 'invitationSecret')
  assertBytes(inviterIdentityKey, PUBLIC_KEY_BYTES, 'inviterIdentityKey')
  return hkdf(invitationSecret, undefined, concat([utf8(FIRST_CONTACT_INFO), inviterIdentityKey]), MAILBOX_SECRET_BYTES)
}
