import type { ChatPayload } from '../../core/chat-payload.ts'
import { newMessageId } from '../../core/message-id.ts'
import { withLock } from '../locks.ts'
import { loadPushRegistration } from './push-client.ts'
import type { ContactStore, SettingStore, StoredContact } from '../../core/ports/index.ts'

/**
 * Handing our push token to contacts, and keeping theirs. The token (from the relay's push
 * gateway, src/app/push/push-client.ts) travels only as a chat payload of kind 4 inside the
 * end-to-end session, so the gateway never learns who may wake whom and nobody outside a
 * conversation can wake us. Each contact gets the current token once (a profile setting
 * remembers which token went to whom), when it changes, when it is withdrawn (both fields
 * empty), and a new contact once the session runs both ways.
 */

/** The profile setting: contact user id -> the token last handed to them ('' = withdrawn). */
export const PUSH_SHARED_SETTING = 'push-shared'
/** A note waiting in a mailbox matters until the contact next looks: a week, like receipts. */
export const PUSH_NOTE_TTL_MS = 7 * 24 * 60 * 60 * 1000

/** Sends one payload to a contact (direct link, else their mailbox); false when neither can take it now. */
export type SendPayload = (contact: StoredContact, payload: ChatPayload, ttlMs: number) => Promise<boolean>

type SharingStore = SettingStore & Pick<ContactStore, 'getContact' | 'listContacts'>

export class PushSharing {
  constructor (
    private readonly store: SharingStore,
    private readonly send: SendPayload,
    private readonly now: () => number = Date.now
  ) {}

  /** The token changed (enabled, renewed or turned off): every contact hears of it. */
  async shareWithAll (): Promise<void> {
    for (const contact of await this.store.listContacts()) await this.shareWith(contact.userId)
  }

  /**
   * Hands the current token to one contact unless they have it. Only to a contact who has
   * written to us: before that, a payload that is not a message would reach someone who has
   * no contact entry for us yet, and they would drop it.
   */
  async shareWith (contactId: string): Promise<void> {
    // One tab at a time, so two tabs do not both send the same note.
    await withLock('murmur:push-share', async () => {
      const contact = await this.store.getContact(contactId)
      // A message request gets nothing until the person accepts it (src/core/requests.ts).
      if (contact?.knowsUs !== true || contact.request === true || contact.changedDhIdentityKey != null) return
      const registration = await loadPushRegistration(this.store)
      const gateway = registration?.gatewayOrigin ?? ''
      const token = registration?.token ?? ''
      const shared = await this.store.loadSetting<Record<string, string>>(PUSH_SHARED_SETTING) ?? {}
      if ((shared[contactId] ?? '') === token) return
      const payload: ChatPayload = { kind: 'push', id: newMessageId(), sentAt: this.now(), gateway, token }
      if (!await this.send(contact, payload, PUSH_NOTE_TTL_MS)) return // tried again on the next link or start
      const latest = await this.store.loadSetting<Record<string, string>>(PUSH_SHARED_SETTING) ?? {}
      await this.store.saveSetting(PUSH_SHARED_SETTING, { ...latest, [contactId]: token })
    })
  }
}
