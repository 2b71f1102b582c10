import { mailboxSecretForFirstContact, mailboxSecretForPair } from '../../core/mailbox/slots.ts'
import type { SecretKind } from '../../core/mailbox/writer.ts'
import { decodePrekeyBundle } from '../../core/x3dh/prekey.ts'
import type { StoredContact, StoredProfile } from '../../core/ports/index.ts'

// Which mailbox secret names which slots (docs/PROTOCOL.md, "Mailboxes"):
// - pair: from our X25519 identity key and theirs; both sides derive it once each knows the
//   other's key, so a contact who has written to us reads these slots;
// - first-contact: from the secret of one of someone's invites (src/core/invite-secrets.ts);
//   they read these slots, for each invite while it is live, for messages from people they
//   have not heard from yet.

export interface SlotSecret {
  kind: SecretKind
  secret: Uint8Array
}

/** Their X25519 identity key: as pinned after they wrote, else from their signed prekey record. */
export function contactDhKey (contact: StoredContact): Uint8Array | undefined {
  if (contact.dhIdentityKey != null) return contact.dhIdentityKey
  if (contact.prekeyRecord == null) return undefined
  try {
    return decodePrekeyBundle(contact.prekeyRecord).dhIdentityKey
  } catch {
    return undefined
  }
}

function pairSecret (profile: StoredProfile, contact: StoredContact): Uint8Array | undefined {
  const theirs = contactDhKey(contact)
  if (theirs == null) return undefined
  try {
    return mailboxSecretForPair(profile.dh.secretKey, theirs, profile.publicKey, contact.publicKey)
  } catch {
    return undefined // a low-order key: no secret worth the name
  }
}

/** The secret of slots of one kind written for `contact`; undefined when we cannot derive it. */
export function writeSecretOf (kind: SecretKind, profile: StoredProfile, contact: StoredContact): Uint8Array | undefined {
  if (kind === 'pair') return pairSecret(profile, contact)
  return contact.inviteSecret == null ? undefined : mailboxSecretForFirstContact(contact.inviteSecret, contact.publicKey)
}

/**
 * Where a new message for `contact` goes: the pair's slots once they have written to us,
 * else the first-contact slots of their invite. Undefined when neither is known (someone
 * added by bare ID who never wrote): then only a direct connection reaches them.
 */
export function writeTarget (profile: StoredProfile, contact: StoredContact): SlotSecret | undefined {
  if (contact.knowsUs === true) {
    const secret = pairSecret(profile, contact)
    if (secret != null) return { kind: 'pair', secret }
  }
  const secret = writeSecretOf('first-contact', profile, contact)
  return secret == null ? undefined : { kind: 'first-contact', secret }
}

/** One set of slots we read: a contact's pair slots, or one live invite's first-contact slots (contactId undefined). */
export interface ReadSource {
  contactId?: string
  secret: Uint8Array
}

/**
 * What a drain reads: the first-contact slots of each live invite (`invites`, the secrets of
 * src/app/invites.ts liveInviteSecrets; a revoked or expired one is not among them), then
 * each contact's pair slots. The profile's old permanent secret is never read.
 */
export function readSources (profile: StoredProfile, invites: ReadonlyArray<{ secret: Uint8Array }>, contacts: readonly StoredContact[]): ReadSource[] {
  const sources: ReadSource[] = invites.map((i) => ({ secret: mailboxSecretForFirstContact(i.secret, profile.publicKey) }))
  for (const contact of contacts) {
    const secret = pairSecret(profile, contact)
    if (secret != null) sources.push({ contactId: contact.userId, secret })
  }
  return sources
}
