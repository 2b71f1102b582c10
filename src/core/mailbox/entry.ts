import { concat } from 'uint8arrays'
import { aesGcmOpen, aesGcmSeal, GCM_NONCE_BYTES, GCM_TAG_BYTES, hkdf, randomBytes, type RandomSource } from '../../crypto/index.ts'
import { utf8 } from '../codec.ts'
import { MESSAGE_ID_BYTES } from '../message-id.ts'
import { MAILBOX_SECRET_BYTES } from './slots.ts'

// What a mailbox entry's payload is: a sealed envelope (sender, recipient, session payload)
// encrypted once more under a key derived from the conversation's mailbox secret. The
// envelope names both people and a session start carries the sender's identity key; this
// layer keeps both from the holders, who see random-looking bytes of some length. The
// associated data ties the entry to its slot and message id, so an entry moved to another
// slot or given another id does not open.

const ENTRY_KEY_INFO = 'murmur/mailbox/entry/v1'
/** What this layer adds to an envelope: nonce and tag. */
export const ENTRY_OVERHEAD_BYTES = GCM_NONCE_BYTES + GCM_TAG_BYTES

function entryKey (secret: Uint8Array): Uint8Array {
  if (!(secret instanceof Uint8Array) || secret.length !== MAILBOX_SECRET_BYTES) throw new TypeError(`secret must be ${MAILBOX_SECRET_BYTES} bytes`)
  return hkdf(secret, undefined, utf8(ENTRY_KEY_INFO), 32)
}

function associatedData (slotKey: Uint8Array, id: Uint8Array): Uint8Array {
  if (!(id instanceof Uint8Array) || id.length !== MESSAGE_ID_BYTES) throw new TypeError(`id must be ${MESSAGE_ID_BYTES} bytes`)
  return concat([slotKey, id])
}

export function sealMailboxEntry (secret: Uint8Array, slotKey: Uint8Array, id: Uint8Array, envelope: Uint8Array, random: RandomSource = randomBytes): Uint8Array {
  const nonce = random(GCM_NONCE_BYTES)
  return concat([nonce, aesGcmSeal(entryKey(secret), nonce, envelope, associatedData(slotKey, id))])
}

/** The envelope inside an entry, or undefined when it was not sealed for this slot and id. */
export function openMailboxEntry (secret: Uint8Array, slotKey: Uint8Array, id: Uint8Array, payload: Uint8Array): Uint8Array | undefined {
  if (!(payload instanceof Uint8Array) || payload.length < ENTRY_OVERHEAD_BYTES) return undefined
  return aesGcmOpen(entryKey(secret), payload.subarray(0, GCM_NONCE_BYTES), payload.subarray(GCM_NONCE_BYTES), associatedData(slotKey, id))
}
