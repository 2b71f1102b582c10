import { equals } from 'uint8arrays'
import type { ChatPayload } from './chat-payload.ts'
import type { StoredContact } from './ports/records.ts'

/**
 * Trust on first use, and only then (docs/ARCHITECTURE.md, "What is protected"): a contact's
 * X25519 identity key is pinned when their first message arrives, and a different key later
 * is kept aside until the person compares safety numbers and accepts it; it is never taken
 * silently. Pure rules; src/app/inbox.ts stores what they return.
 */

/**
 * The contact record after an authenticated payload from `userId` under `dhKey`. Someone
 * who writes first (a message, not any other payload) becomes a message request named as
 * they wrote (src/core/requests.ts), a contact only once the person accepts; `undefined`
 * means no record (a non-message from a stranger). A message carries its writer's current
 * name, so a renamed contact is renamed here too. Returns `known` itself when nothing changes.
 */
export function contactAfterPayload (
  known: StoredContact | undefined,
  sender: { userId: string, publicKey: Uint8Array, dhKey: Uint8Array },
  payload: ChatPayload | undefined,
  now: number
): StoredContact | undefined {
  const { userId, publicKey, dhKey } = sender
  if (known == null) {
    if (payload?.kind !== 'message') return undefined
    return { userId, publicKey, name: payload.name, relays: [], addedAt: now, dhIdentityKey: dhKey, knowsUs: true, request: true }
  }
  const renamed = withOfferedName(known, payload, dhKey)
  if (renamed !== known) return contactAfterPayload(renamed, sender, undefined, now)
  // They encrypted for us, so they know our keys: from now on we write to the pair's slots.
  if (known.dhIdentityKey == null) return { ...known, dhIdentityKey: dhKey, knowsUs: true }
  if (!equals(known.dhIdentityKey, dhKey) && (known.changedDhIdentityKey == null || !equals(known.changedDhIdentityKey, dhKey))) {
    return { ...known, changedDhIdentityKey: dhKey }
  }
  return known.knowsUs === true ? known : { ...known, knowsUs: true }
}

/** The name a message carries, taken as their offered name (under the pinned key only). */
function withOfferedName (known: StoredContact, payload: ChatPayload | undefined, dhKey: Uint8Array): StoredContact {
  if (payload?.kind !== 'message' || payload.name === known.name) return known
  // A key that changed waits for the person; so does the name it brings.
  if (known.dhIdentityKey != null && !equals(known.dhIdentityKey, dhKey)) return known
  return { ...known, name: payload.name }
}

/**
 * A contact's push note applied to their contact entry: kept when it is newer than the one
 * held and comes under the identity key we pinned for them (a changed key waits for the
 * person to accept it, and so does a token that came with it); both fields empty withdraws
 * it. Returns `contact` itself when nothing changes.
 */
export function contactWithPushNote (
  contact: StoredContact,
  note: Extract<ChatPayload, { kind: 'push' }>,
  senderDhKey: Uint8Array
): StoredContact {
  if (contact.dhIdentityKey == null || !equals(contact.dhIdentityKey, senderDhKey)) return contact
  if (contact.push != null && contact.push.sentAt >= note.sentAt) return contact
  // A withdrawal is kept too (empty fields), so an older note arriving late cannot revive a token.
  return { ...contact, push: { gateway: note.gateway, token: note.token, sentAt: note.sentAt } }
}

/** The person compared safety numbers and accepts the key that arrived later. */
export function acceptChangedKey (contact: StoredContact): StoredContact {
  if (contact.changedDhIdentityKey == null) return contact
  const { changedDhIdentityKey, ...rest } = contact
  // The new key starts unverified: the person compares safety numbers again.
  return { ...rest, dhIdentityKey: changedDhIdentityKey, verified: false }
}
