import { equals } from 'uint8arrays'
import { createIdentity, type Identity } from '../core/identity.ts'
import { encodeUserId } from '../core/user-id.ts'
import { isValidMessageText, normalizeDisplayName, TEXT_MAX_CHARS } from '../core/text-rules.ts'
import { encodeInvite, inviteLink, parseContactInput } from '../core/invite.ts'
import { encodeEnvelope } from '../core/envelope.ts'
import { decodeChatPayload, encodeChatPayload, type ChatPayload } from '../core/chat-payload.ts'
import { messageIdFromString, messageIdToString, newMessageId } from '../core/message-id.ts'
import { createDhIdentity, safetyNumber, safetyNumberQrPayload } from '../core/x3dh/index.ts'
import type { RelayStatus } from '../net/relay-keeper.ts'
import type { ConnectionStatus, Network, NetworkHost, SealedEnvelope } from './network-host.ts'
import { SessionCrypto } from './session-crypto.ts'
import type { MessengerStore, StoredContact, StoredMessage, StoredProfile } from './store-port.ts'

export class ProfileError extends Error {
  override name = 'ProfileError'
}
export class SendError extends Error {
  override name = 'SendError'
}

export type MessengerChange =
  | { kind: 'contacts' }
  /** `message` is the one message that was added or moved on, when that is all that changed. */
  | { kind: 'messages', contactId: string, message?: StoredMessage }
  | { kind: 'status', contactId: string }
  | { kind: 'relay' }
  | { kind: 'refused', reason: string }

/**
 * The app's composition root: one profile, its contacts and history (through the storage
 * port), end-to-end encryption (SessionCrypto), and the network half once it is loaded.
 * Every message a person writes is stored before anything is sent, so a closed tab loses
 * nothing that was accepted.
 */
export class Messenger implements NetworkHost {
  readonly identity: Identity
  readonly name: string
  readonly userId: string
  relayStatus: RelayStatus = 'offline'
  private network: Network | undefined
  private readonly crypto: SessionCrypto
  private readonly listeners = new Set<(change: MessengerChange) => void>()
  private readonly flushing = new Map<string, Promise<void>>()

  private constructor (private readonly store: MessengerStore, profile: StoredProfile) {
    this.identity = { publicKey: profile.publicKey, secretKey: profile.secretKey }
    this.name = profile.name
    this.userId = encodeUserId(profile.publicKey)
    this.crypto = new SessionCrypto(store, profile)
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
    const profile: StoredProfile = { ...identity, name: trimmed, createdAt: now, dh: createDhIdentity(identity) }
    await SessionCrypto.createPrekeys(store, identity, profile.dh, now)
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
    network.setPrekeyRecord(await this.crypto.currentPrekeyRecord())
    for (const contact of await this.store.listContacts()) network.watch(contact)
  }

  /** The invite carries our signed prekey, so a first message is encrypted even with an empty DHT. */
  async inviteLink (origin: string, relays: string[]): Promise<string> {
    const prekeyRecord = await this.crypto.currentPrekeyRecord()
    return inviteLink(origin, encodeInvite(this.identity, { name: this.name, relays, prekeyRecord }))
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

  /** The 60 digits two people compare, and what their QR codes hold. */
  safetyNumber (contact: StoredContact): { digits: string[], qr: string } {
    return {
      digits: safetyNumber(this.identity.publicKey, contact.publicKey),
      qr: safetyNumberQrPayload(this.identity.publicKey, contact.publicKey)
    }
  }

  async setVerified (contactId: string, verified: boolean): Promise<void> {
    await this.updateContact(contactId, (c) => ({ ...c, verified }))
  }

  /** The person checked the new key (safety numbers) and accepts it. */
  async acceptKeyChange (contactId: string): Promise<void> {
    await this.updateContact(contactId, (c) => c.changedDhIdentityKey == null
      ? c
      : { ...c, dhIdentityKey: c.changedDhIdentityKey, changedDhIdentityKey: undefined, verified: false })
    void this.flush(contactId, true)
  }

  private async updateContact (contactId: string, change: (c: StoredContact) => StoredContact): Promise<void> {
    const contact = await this.store.getContact(contactId)
    if (contact == null) throw new ProfileError('No such contact.')
    await this.store.putContact(change(contact))
    this.emit({ kind: 'contacts' })
  }

  /** Adds a contact from an invite link, an invite payload or a bare user id. */
  async addContact (input: string, now = Date.now()): Promise<StoredContact> {
    const parsed = parseContactInput(input, now)
    const publicKey = parsed.kind === 'invite' ? parsed.invite.publicKey : parsed.publicKey
    const userId = encodeUserId(publicKey)
    if (userId === this.userId) throw new ProfileError('That is your own ID.')
    const existing = await this.store.getContact(userId)
    const invite = parsed.kind === 'invite' ? parsed.invite : undefined
    const contact: StoredContact = {
      ...existing,
      userId,
      publicKey,
      name: invite?.name ?? existing?.name ?? `${userId.slice(0, 10)}…`,
      relays: invite?.relays ?? existing?.relays ?? [],
      addedAt: existing?.addedAt ?? now,
      prekeyRecord: invite?.prekeyRecord ?? existing?.prekeyRecord
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
    const contact = await this.store.getContact(contactId)
    if (contact == null) throw new SendError('No such contact.')
    if (contact.changedDhIdentityKey != null) {
      throw new SendError(`${contact.name}'s security key changed. Compare safety numbers and accept the new key before writing.`)
    }
    const message: StoredMessage = {
      id: messageIdToString(newMessageId()),
      contactId,
      direction: 'out',
      text: body,
      sentAt: now,
      state: 'pending'
    }
    await this.store.addMessage(message)
    this.emit({ kind: 'messages', contactId, message })
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
    if (this.network == null) return
    for (const message of await this.store.undeliveredMessages(contactId)) {
      if (message.state === 'sent' && !resendUnacknowledged) continue
      const sent = await this.sendPayload(contactId, {
        kind: 'message', id: messageIdFromString(message.id), sentAt: message.sentAt, name: this.name, text: message.text
      })
      if (!sent) return
      const advanced = await this.store.advanceMessage(message.id, 'sent')
      this.emit({ kind: 'messages', contactId, message: advanced })
    }
  }

  /** Encrypts one payload (the session step stored first) and writes it to the direct link. */
  private async sendPayload (contactId: string, payload: ChatPayload): Promise<boolean> {
    const network = this.network
    const contact = await this.store.getContact(contactId)
    if (network == null || contact == null || !network.isLinked(contactId)) return false
    try {
      const sealed = await this.crypto.seal(contact, encodeChatPayload(payload), async () => network.findPrekey(contact.publicKey))
      return await network.send(contactId, encodeEnvelope(this.identity, { kind: 'sealed', to: contact.publicKey, payload: sealed }))
    } catch (err: any) {
      // No session and no prekey yet, a changed key, or a dropped link: it stays queued.
      this.emit({ kind: 'refused', reason: err?.message ?? String(err) })
      return false
    }
  }

  // NetworkHost: what the network half tells the messenger.

  onEnvelope (envelope: SealedEnvelope): void {
    void this.receive(envelope).catch((err: any) => {
      this.emit({ kind: 'refused', reason: err?.name ?? 'refused' })
    })
  }

  private async receive (envelope: SealedEnvelope): Promise<void> {
    const contactId = encodeUserId(envelope.from)
    const reply = await this.crypto.open(contactId, envelope.from, envelope.payload, async (opened) => {
      let payload: ChatPayload | undefined
      try {
        payload = decodeChatPayload(opened.plaintext)
      } catch {
        // Authentic but unreadable (a newer version?): the ratchet step still counts.
      }
      const known = await this.store.getContact(contactId)
      const contact = this.contactAfter(known, contactId, envelope.from, payload, opened.theirDhIdentityKey)
      if (payload?.kind !== 'message') {
        await opened.commit({ contact: contact !== known ? contact : undefined })
        return payload
      }
      const message: StoredMessage = {
        id: messageIdToString(payload.id), contactId, direction: 'in', text: payload.text, sentAt: payload.sentAt, state: 'delivered'
      }
      const isNew = await opened.commit({ contact: contact !== known ? contact : undefined, message })
      if (contact !== known) {
        this.emit({ kind: 'contacts' })
        if (known == null) this.network?.watch(contact!)
      }
      if (isNew) this.emit({ kind: 'messages', contactId, message })
      return payload
    })
    if (reply?.kind === 'receipt') {
      const updated = await this.store.advanceMessage(messageIdToString(reply.receiptFor), 'delivered')
      if (updated?.contactId === contactId) this.emit({ kind: 'messages', contactId, message: updated })
    } else if (reply?.kind === 'message') {
      // Stored (or already had it): acknowledge, so the sender stops retrying.
      await this.sendPayload(contactId, { kind: 'receipt', id: newMessageId(), sentAt: Date.now(), receiptFor: reply.id })
    }
  }

  /**
   * The contact record after a message: created when someone writes first, with their
   * X25519 identity key pinned; a different key later is kept aside until the person
   * accepts it, never taken silently.
   */
  private contactAfter (known: StoredContact | undefined, userId: string, publicKey: Uint8Array, payload: ChatPayload | undefined, dhKey: Uint8Array): StoredContact | undefined {
    if (known == null) {
      if (payload?.kind !== 'message') return undefined
      return { userId, publicKey, name: payload.name, relays: [], addedAt: Date.now(), dhIdentityKey: dhKey }
    }
    if (known.dhIdentityKey == null) return { ...known, dhIdentityKey: dhKey }
    if (!equals(known.dhIdentityKey, dhKey) && (known.changedDhIdentityKey == null || !equals(known.changedDhIdentityKey, dhKey))) {
      return { ...known, changedDhIdentityKey: dhKey }
    }
    return known
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
