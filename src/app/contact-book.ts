import { decodeUserId, encodeUserId } from '../core/user-id.ts'
import { parseContactInput } from '../core/invite.ts'
import { acceptChangedKey } from '../core/key-pinning.ts'
import { safetyNumber, safetyNumberQrPayload } from '../core/x3dh/index.ts'
import type { GroupMember } from '../core/group/index.ts'
import type { ContactStore, StoredContact } from '../core/ports/index.ts'
import type { ComponentLogger, Logger } from '../diagnostics/index.ts'
import type { ChangeBus } from './change-bus.ts'
import type { Connectivity } from './connectivity.ts'
import type { Profile } from './profile.ts'
import { assertDisplayName, ProfileError } from './profile.ts'
import { isContact } from '../core/requests.ts'

function withoutRequest ({ request: _pending, ...contact }: StoredContact): StoredContact {
  return contact
}

export interface ContactBookComponents {
  store: ContactStore
  profile: Profile
  bus: ChangeBus
  connectivity: Connectivity
  logger: ComponentLogger
  /** A changed key was accepted: what waited for it can go now. */
  keyAccepted: (contactId: string) => void
}

/**
 * The people this profile knows: added from an invite or an ID, or made when someone writes
 * first (src/app/inbox.ts) or shares a group with us. Every contact is watched by the
 * network half, which keeps trying to reach them.
 */
export class ContactBook {
  private readonly log: Logger

  constructor (private readonly components: ContactBookComponents) {
    this.log = components.logger.forComponent('murmur:contacts')
  }

  /** Contacts (not message requests), in the order they were added. */
  async list (): Promise<StoredContact[]> {
    return (await this.components.store.listContacts()).filter(isContact).sort((a, b) => a.addedAt - b.addedAt)
  }

  /** The person's own name for a contact; empty clears it, and the name they offered shows again. */
  async rename (contactId: string, localName: string): Promise<void> {
    const trimmed = localName.trim() === '' ? undefined : assertDisplayName(localName)
    await this.update(contactId, ({ localName: _old, ...c }) => trimmed == null ? c : { ...c, localName: trimmed })
  }

  async get (userId: string): Promise<StoredContact | undefined> {
    return this.components.store.getContact(userId)
  }

  /** Adds a contact from an invite link, an invite payload or a bare user id. */
  async add (input: string, now = Date.now()): Promise<StoredContact> {
    const parsed = parseContactInput(input, now)
    const publicKey = parsed.kind === 'invite' ? parsed.invite.publicKey : parsed.publicKey
    const userId = encodeUserId(publicKey)
    if (userId === this.components.profile.userId) throw new ProfileError('own-id', 'That is your own ID.')
    const found = await this.components.store.getContact(userId)
    // Adding someone whose message request waits accepts it, history and all.
    const existing = found == null ? undefined : withoutRequest(found)
    const invite = parsed.kind === 'invite' ? parsed.invite : undefined
    const contact: StoredContact = {
      ...existing,
      userId,
      publicKey,
      name: invite?.name ?? existing?.name ?? `${userId.slice(0, 10)}…`,
      relays: invite?.relays ?? existing?.relays ?? [],
      addedAt: existing?.addedAt ?? now,
      prekeyRecord: invite?.prekeyRecord ?? existing?.prekeyRecord,
      inviteSecret: invite?.mailboxSecret ?? existing?.inviteSecret
    }
    await this.components.store.putContact(contact)
    this.log('added %s', userId)
    this.components.bus.emit({ kind: 'contacts' })
    this.components.connectivity.current()?.watch(contact)
    return contact
  }

  /** A fellow group member we never met becomes a contact, so a session (and sender keys) can reach them. */
  async ensureMember (member: GroupMember, now = Date.now()): Promise<void> {
    if (await this.components.store.getContact(member.userId) != null) return
    const contact: StoredContact = { userId: member.userId, publicKey: decodeUserId(member.userId), name: member.name, relays: [], addedAt: now }
    await this.components.store.putContact(contact)
    this.components.bus.emit({ kind: 'contacts' })
    this.components.connectivity.current()?.watch(contact)
  }

  /** Contacts as group members, for a new group or a new member; only contacts can be added. */
  async asMembers (userIds: string[]): Promise<GroupMember[]> {
    const members: GroupMember[] = []
    for (const userId of new Set(userIds)) {
      const contact = await this.components.store.getContact(userId)
      if (contact == null) throw new ProfileError('not-contact', 'Only contacts can be added to a group.')
      members.push({ userId, name: contact.name })
    }
    return members
  }

  async setVerified (contactId: string, verified: boolean): Promise<void> {
    await this.update(contactId, (c) => ({ ...c, verified }))
  }

  /** The person checked the new key (safety numbers) and accepts it. */
  async acceptKeyChange (contactId: string): Promise<void> {
    await this.update(contactId, acceptChangedKey)
    this.components.keyAccepted(contactId)
  }

  /** The 60 digits two people compare, and what their QR codes hold. */
  safetyNumber (contact: StoredContact): { digits: string[], qr: string } {
    const ours = this.components.profile.identity.publicKey
    return { digits: safetyNumber(ours, contact.publicKey), qr: safetyNumberQrPayload(ours, contact.publicKey) }
  }

  private async update (contactId: string, change: (c: StoredContact) => StoredContact): Promise<void> {
    const contact = await this.components.store.getContact(contactId)
    if (contact == null) throw new ProfileError('no-contact', 'No such contact.')
    await this.components.store.putContact(change(contact))
    this.components.bus.emit({ kind: 'contacts' })
  }
}
