import { requestMessagesToDrop, requestsToDrop, withBlocked, withoutBlocked } from '../core/requests.ts'
import type { ContactStore, HistoryStore, SettingStore, StoredContact } from '../core/ports/index.ts'
import type { ComponentLogger, Logger } from '../diagnostics/index.ts'
import type { ChangeBus } from './change-bus.ts'
import type { Connectivity } from './connectivity.ts'
import { ProfileError } from './profile.ts'
import { withLock } from './locks.ts'
import { decodeUserId } from '../core/user-id.ts'

/** The name shown for a contact, for the UI (which takes only types from core). */
export { displayName } from '../core/requests.ts'

/** The profile setting: user ids the person blocked, oldest first (src/core/requests.ts BLOCKED_MAX). */
export const BLOCKED_SETTING = 'blocked'

export interface RequestsComponents {
  store: ContactStore & HistoryStore & SettingStore
  bus: ChangeBus
  connectivity: Connectivity
  /** A request became a contact: they may have our push token now. */
  accepted: (contactId: string) => void
  logger: ComponentLogger
}

/**
 * Who may reach us (src/core/requests.ts): message requests (Accept, Delete, Block), the
 * bounds on them, and the blocked list. A request is a contact record marked `request`,
 * so its session and messages are kept as they came and accepting loses no history.
 */
export class Requests {
  private readonly log: Logger

  constructor (private readonly components: RequestsComponents) {
    this.log = components.logger.forComponent('murmur:requests')
  }

  /** Pending requests, newest first. */
  async list (): Promise<StoredContact[]> {
    return (await this.components.store.listContacts()).filter((c) => c.request === true).sort((a, b) => b.addedAt - a.addedAt)
  }

  async accept (userId: string): Promise<void> {
    const { store, bus, connectivity } = this.components
    const request = await store.getContact(userId)
    if (request == null) throw new ProfileError('no-contact', 'No such contact.')
    if (request.request !== true) return
    const { request: _pending, ...contact } = request
    await store.putContact(contact)
    bus.emit({ kind: 'contacts' })
    connectivity.current()?.watch(contact)
    this.components.accepted(userId)
  }

  /** Someone who is not a contact invited us to a group: a request now, bounded like any other. */
  async invitedBy (userId: string, name: string, now = Date.now()): Promise<void> {
    const { store, bus } = this.components
    if (await store.getContact(userId) != null) return
    await store.putContact({ userId, publicKey: decodeUserId(userId), name, relays: [], addedAt: now, knowsUs: true, request: true })
    await this.bound(userId, true)
    bus.emit({ kind: 'contacts' })
  }

  /** A contact, a request, or neither. */
  async standing (userId: string): Promise<'contact' | 'request' | 'none'> {
    const known = await this.components.store.getContact(userId)
    return known == null ? 'none' : known.request === true ? 'request' : 'contact'
  }

  /** Deletes a request (or a contact) with its conversation. */
  async remove (userId: string): Promise<void> {
    // No more DHT lookups for someone we forgot (a deleted contact, a blocked stranger).
    this.components.connectivity.current()?.unwatch(userId)
    await this.components.store.deleteContact(userId)
    this.log('deleted %s', userId)
    this.components.bus.emit({ kind: 'contacts' })
    this.components.bus.emit({ kind: 'messages', contactId: userId })
  }

  /** Blocks and deletes: what they send from now on is dropped on arrival. */
  async block (userId: string): Promise<void> {
    await withLock('murmur:blocked', async () => {
      await this.components.store.saveSetting(BLOCKED_SETTING, withBlocked(await this.blocked(), userId))
    })
    await this.remove(userId)
  }

  async unblock (userId: string): Promise<void> {
    await withLock('murmur:blocked', async () => {
      await this.components.store.saveSetting(BLOCKED_SETTING, withoutBlocked(await this.blocked(), userId))
    })
    this.components.bus.emit({ kind: 'contacts' })
  }

  async blocked (): Promise<string[]> {
    return await this.components.store.loadSetting<string[]>(BLOCKED_SETTING) ?? []
  }

  async isBlocked (userId: string): Promise<boolean> {
    return (await this.blocked()).includes(userId)
  }

  /**
   * After a request's messages were stored: at most REQUESTS_MAX requests and
   * REQUEST_MESSAGES_MAX messages per request stay, the oldest dropped. `isNew` when this
   * arrival made the request.
   */
  async bound (userId: string, isNew: boolean): Promise<void> {
    const { store } = this.components
    if (isNew) {
      const others = (await store.listContacts()).filter((c) => c.userId !== userId)
      for (const id of requestsToDrop(others)) await this.remove(id)
    }
    const excess = requestMessagesToDrop(await store.listMessages(userId))
    if (excess.length > 0) {
      await store.deleteMessages(excess)
      this.components.bus.emit({ kind: 'messages', contactId: userId })
    }
  }
}
