import { createIdentity, type Identity } from '../core/identity.ts'
import { encodeUserId } from '../core/user-id.ts'
import { isValidMessageText, normalizeDisplayName, TEXT_MAX_CHARS } from '../core/text-rules.ts'
import { encodeInvite, inviteLink, parseContactInput } from '../core/invite.ts'
import { encodeEnvelope, messageIdFromString, messageIdToString, newMessageId, type DmEnvelope } from '../core/envelope.ts'
import type { RelayStatus } from '../net/relay-keeper.ts'
import type { ConnectionStatus, Network, NetworkHost } from './network-host.ts'
import type { MessengerStore, StoredContact, StoredMessage, StoredProfile } from './store-port.ts'

export class ProfileError extends Error {
  override name = 'ProfileError'
}
export class SendError extends Error {
  override name = 'SendError'
}

export type MessengerChange =
  | { kind: 'contacts' }
  | { kind: 'messages', contactId: string }
  | { kind: 'status', contactId: string }
  | { kind: 'relay' }
  | { kind: 'refused', reason: string }

/**
 * The app's composition root: one profile, its contacts and history (through the storage
 * port), and the network half once it is loaded. Every message a person writes is stored
 * before anything is sent, so a closed tab loses nothing that was accepted.
 */
export class Messenger implements NetworkHost {
  readonly identity: Identity
  readonly name: string
  readonly userId: string
  relayStatus: RelayStatus = 'offline'
  private network: Network | undefined
  private readonly listeners = new Set<(change: MessengerChange) => void>()
  private readonly flushing = new Map<string, Promise<void>>()

  private constructor (private readonly store: MessengerStore, profile: StoredProfile) {
    this.identity = { publicKey: profile.publicKey, secretKey: profile.secretKey }
    this.name = profile.name
    this.userId = encodeUserId(profile.publicKey)
  }

  static async load (store: MessengerStore): Promise<Messenger | undefined> {
    const profile = await store.loadProfile()
    return profile == null ? undefined : new Messenger(store, profile)
  }

  /** Checks a display name before anything is created for it. */
  static assertDisplayName (name: string): string {
    const trimmed = normalizeDisplayName(name)
    if (trimmed === undefined) throw new ProfileError('A display name has 1 to 64 characters and no control or text-direction characters.')
    return trimmed
  }

  static async create (store: MessengerStore, name: string, now = Date.now()): Promise<Messenger> {
    const trimmed = Messenger.assertDisplayName(name)
    if (await store.loadProfile() != null) throw new ProfileError('This browser already has a profile.')
    const identity = createIdentity()
    const profile: StoredProfile = { ...identity, name: trimmed, createdAt: now }
    await store.saveProfile(profile)
    return new Messenger(store, profile)
  }

  subscribe (listener: (change: MessengerChange) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private emit (change: MessengerChange): void {
    for (const listener of this.listeners) listener(change)
  }

  /** Hands the messenger its network half and starts reaching every contact. */
  async attachNetwork (network: Network): Promise<void> {
    this.network = network
    for (const contact of await this.store.listContacts()) network.watch(contact)
  }

  inviteLink (origin: string, relays: string[]): string {
    return inviteLink(origin, encodeInvite(this.identity, { name: this.name, relays }))
  }

  async contacts (): Promise<StoredContact[]> {
    return (await this.store.listContacts()).sort((a, b) => a.addedAt - b.addedAt)
  }

  async messages (contactId: string): Promise<StoredMessage[]> {
    return this.store.listMessages(contactId)
  }

  status (contactId: string): ConnectionStatus {
    return this.network?.status(contactId) ?? 'offline'
  }

  /** Adds a contact from an invite link, an invite payload or a bare user id. */
  async addContact (input: string, now = Date.now()): Promise<StoredContact> {
    const parsed = parseContactInput(input, now)
    const publicKey = parsed.kind === 'invite' ? parsed.invite.publicKey : parsed.publicKey
    const userId = encodeUserId(publicKey)
    if (userId === this.userId) throw new ProfileError('That is your own ID.')
    const existing = await this.store.getContact(userId)
    const contact: StoredContact = {
      userId,
      publicKey,
      name: parsed.kind === 'invite' ? parsed.invite.name : existing?.name ?? `${userId.slice(0, 10)}…`,
      relays: parsed.kind === 'invite' ? parsed.invite.relays : existing?.relays ?? [],
      addedAt: existing?.addedAt ?? now
    }
    await this.store.putContact(contact)
    this.emit({ kind: 'contacts' })
    this.network?.watch(contact)
    return contact
  }

  /** Stores the message first, then sends it if a direct link is up. */
  async send (contactId: string, text: string, now = Date.now()): Promise<StoredMessage> {
    const body = text.trim()
    if (body.length === 0) throw new SendError('An empty message is not sent.')
    if (body.length > TEXT_MAX_CHARS) throw new SendError(`A message has at most ${TEXT_MAX_CHARS} characters.`)
    if (!isValidMessageText(body)) throw new SendError('This message holds a broken character and cannot be sent.')
    if (await this.store.getContact(contactId) == null) throw new SendError('No such contact.')
    const message: StoredMessage = {
      id: messageIdToString(newMessageId()),
      contactId,
      direction: 'out',
      text: body,
      sentAt: now,
      state: 'pending'
    }
    await this.store.addMessage(message)
    this.emit({ kind: 'messages', contactId })
    void this.flush(contactId)
    return message
  }

  /**
   * Sends pending messages to a contact over its direct link, oldest first, one flush at a
   * time. When a link comes up, messages sent earlier without a receipt go again too: the
   * receiver folds duplicates by id and acknowledges again, so nothing in flight on a dead
   * link is lost.
   */
  private async flush (contactId: string, resendUnacknowledged = false): Promise<void> {
    const running = this.flushing.get(contactId)
    if (running != null) { await running; return this.flush(contactId, resendUnacknowledged) }
    const work = this.flushNow(contactId, resendUnacknowledged).finally(() => this.flushing.delete(contactId))
    this.flushing.set(contactId, work)
    return work
  }

  private async flushNow (contactId: string, resendUnacknowledged: boolean): Promise<void> {
    const network = this.network
    const contact = await this.store.getContact(contactId)
    if (network == null || contact == null) return
    for (const message of await this.store.undeliveredMessages(contactId)) {
      if (message.state === 'sent' && !resendUnacknowledged) continue
      const frame = encodeEnvelope(this.identity, {
        kind: 'message',
        to: contact.publicKey,
        id: messageIdFromString(message.id),
        sentAt: message.sentAt,
        name: this.name,
        text: message.text
      })
      const sent = await network.send(contactId, frame).catch(() => false)
      if (!sent) return
      await this.store.advanceMessage(message.id, 'sent')
      this.emit({ kind: 'messages', contactId })
    }
  }

  // NetworkHost: what the network half tells the messenger.

  onEnvelope (envelope: Exclude<DmEnvelope, { kind: 'hello' }>): void {
    void this.handleEnvelope(envelope)
  }

  private async handleEnvelope (envelope: Exclude<DmEnvelope, { kind: 'hello' }>): Promise<void> {
    const contactId = encodeUserId(envelope.from)
    if (envelope.kind === 'receipt') {
      const updated = await this.store.advanceMessage(messageIdToString(envelope.receiptFor), 'delivered')
      if (updated?.contactId === contactId) this.emit({ kind: 'messages', contactId })
      return
    }
    let contact = await this.store.getContact(contactId)
    if (contact == null) {
      // Someone who has our ID or invite wrote first: they become a contact.
      contact = { userId: contactId, publicKey: envelope.from, name: envelope.name, relays: [], addedAt: Date.now() }
      await this.store.putContact(contact)
      this.emit({ kind: 'contacts' })
      this.network?.watch(contact)
    }
    const id = messageIdToString(envelope.id)
    const isNew = await this.store.addMessage({
      id, contactId, direction: 'in', text: envelope.text, sentAt: envelope.sentAt, state: 'delivered'
    })
    if (isNew) this.emit({ kind: 'messages', contactId })
    // Stored (or already had it): acknowledge, so the sender stops retrying.
    const receipt = encodeEnvelope(this.identity, {
      kind: 'receipt', to: envelope.from, id: newMessageId(), sentAt: Date.now(), receiptFor: envelope.id
    })
    await this.network?.send(contactId, receipt).catch(() => false)
  }

  onLinkUp (userId: string): void {
    void this.flush(userId, true)
  }

  onStatus (userId: string): void {
    this.emit({ kind: 'status', contactId: userId })
  }

  onRelayStatus (status: RelayStatus): void {
    this.relayStatus = status
    this.emit({ kind: 'relay' })
  }

  onRefusedFrame (reason: string): void {
    this.emit({ kind: 'refused', reason })
  }

  async close (): Promise<void> {
    await this.network?.stop()
    this.store.close()
  }
}
