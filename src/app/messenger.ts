import { equals } from 'uint8arrays'
import { createIdentity, type Identity } from '../core/identity.ts'
import { decodeUserId, encodeUserId } from '../core/user-id.ts'
import { isValidMessageText, normalizeDisplayName, TEXT_MAX_CHARS } from '../core/text-rules.ts'
import { encodeInvite, inviteLink, parseContactInput } from '../core/invite.ts'
import { randomBytes } from '../crypto/index.ts'
import { MAILBOX_SECRET_BYTES } from '../core/mailbox/slots.ts'
import { decodeChatPayload, type ChatPayload } from '../core/chat-payload.ts'
import { messageIdFromString, messageIdToString, newMessageId } from '../core/message-id.ts'
import { createDhIdentity, safetyNumber, safetyNumberQrPayload } from '../core/x3dh/index.ts'
import type { RelayStatus } from '../core/ports/index.ts'
import type { ConnectionStatus, Network, NetworkHost, SealedEnvelope } from '../core/ports/index.ts'
import { SessionCrypto } from './session-crypto.ts'
import { Outbox } from './outbox.ts'
import { MailboxReader, type DrainReport } from './mailbox-reader.ts'
import { leadWhenElected } from './leader.ts'
import { withLock } from './locks.ts'
import { TabSync, type SyncedChange } from './tab-sync.ts'
import type { MessengerStore, StoredContact, StoredGroupMessage, StoredMessage, StoredProfile } from '../core/ports/index.ts'
import { Groups, type GroupView } from './groups.ts'
import type { GroupMember } from '../core/group/index.ts'
import { contactWithPushNote, PushSharing } from './push-sharing.ts'
import { createPushPoker, type PushPoker } from './push-poker.ts'

/** How often the leader tab reads the mailboxes and looks after the records it wrote. */
export const MAILBOX_POLL_MS = 30_000
/** How often every tab asks a few group members for messages gossip may have missed. */
export const GROUP_CATCH_UP_MS = 15_000
/** After a drain that could not read every slot (a lookup failed), try again this soon. */
const DRAIN_RETRY_MS = [2_000, 5_000, 10_000]
const READ_RECEIPTS = 'read-receipts'

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
  /** Something the person should be told in words (why a message waits, say). */
  | { kind: 'notice', text: string }
  | { kind: 'groups' }
  /** `messages`: the rows added or read just now, when that is all that changed. */
  | { kind: 'group-messages', groupId: string, messages?: StoredGroupMessage[] }

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
  /** How many relays hold a reservation for this tab. */
  reservedRelays = 0
  private network: Network | undefined
  private readonly crypto: SessionCrypto
  private readonly outbox: Outbox
  private readonly reader: MailboxReader
  private readonly groupService: Groups
  private readonly pushSharing: PushSharing
  private readonly poker: PushPoker = createPushPoker()
  private readonly listeners = new Set<(change: MessengerChange) => void>()
  private readonly shutdown = new AbortController()
  private readonly tabs: TabSync
  private leading = false
  /** A push came while this leader tab was between relays: read the mailboxes when one is back. */
  private pushWaiting = false
  private lastSentAt = 0
  private dutyTimer: ReturnType<typeof setInterval> | undefined
  private catchUpTimer: ReturnType<typeof setInterval> | undefined

  private constructor (private readonly store: MessengerStore, private readonly profile: StoredProfile, retentionMs?: number) {
    this.identity = { publicKey: profile.publicKey, secretKey: profile.secretKey }
    this.name = profile.name
    this.userId = encodeUserId(profile.publicKey)
    this.crypto = new SessionCrypto(store, profile)
    this.tabs = new TabSync(this.userId, (change) => { void this.onOtherTab(change) })
    const network = (): Network | undefined => this.network
    this.outbox = new Outbox(store, this.crypto, profile, network, {
      changed: (message) => { this.emit({ kind: 'messages', contactId: message.contactId, message }) },
      notice: (text) => { this.emit({ kind: 'notice', text }) },
      mailboxWritten: (contact) => { void this.poker.poke(contact) }
    }, retentionMs)
    this.groupService = new Groups(store, {
      userId: this.userId,
      name: this.name,
      network,
      sendControl: async (userId, control) => { await this.sendControl(userId, control) },
      ensureContact: async (member) => { await this.ensureContact(member) },
      changed: (change) => { this.emit(change) }
    })
    this.pushSharing = new PushSharing(store, async (contact, payload, ttlMs) => this.outbox.sendPayload(contact, payload, ttlMs))
    this.reader = new MailboxReader(store, profile, network, {
      receive: async (from, payloads) => this.receiveAll(from, payloads),
      acknowledge: (contactId, id) => { void this.outbox.acknowledge(contactId, { delivered: [id] }) }
    })
  }

  static async load (store: MessengerStore, options: { retentionMs?: number } = {}): Promise<Messenger | undefined> {
    // Profiles made before mailboxes get their invitation secret now, once: under a lock, so
    // two tabs opening together cannot each make one and hand out different invites.
    const profile = await withLock('murmur:profile', async () => {
      const loaded = await store.loadProfile()
      if (loaded == null || loaded.mailboxSecret != null) return loaded
      const upgraded = { ...loaded, mailboxSecret: randomBytes(MAILBOX_SECRET_BYTES) }
      await store.saveProfile(upgraded)
      return upgraded
    })
    if (profile == null) return undefined
    const messenger = new Messenger(store, profile, options.retentionMs)
    await messenger.groupService.start()
    return messenger
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
    const profile: StoredProfile = {
      ...identity, name: trimmed, createdAt: now, dh: createDhIdentity(identity), mailboxSecret: randomBytes(MAILBOX_SECRET_BYTES)
    }
    await SessionCrypto.createPrekeys(store, identity, profile.dh, now)
    await store.saveProfile(profile)
    const messenger = new Messenger(store, profile)
    await messenger.groupService.start()
    return messenger
  }

  subscribe (listener: (change: MessengerChange) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private emit (change: MessengerChange): void {
    for (const listener of this.listeners) listener(change)
    if (change.kind === 'contacts' || change.kind === 'messages' || change.kind === 'groups') this.tabs.post(change)
    // Other tabs read the rows from the store themselves.
    if (change.kind === 'group-messages') this.tabs.post({ kind: 'group-messages', groupId: change.groupId })
  }

  /** Another tab of this profile changed the store: show it here too, and reach new contacts. */
  private async onOtherTab (change: SyncedChange): Promise<void> {
    if (change.kind === 'contacts' && this.network != null) {
      for (const contact of await this.store.listContacts()) this.network.watch(contact)
    }
    if (change.kind === 'group-messages') await this.groupService.reload(change.groupId)
    if (change.kind === 'groups') await this.groupService.start()
    for (const listener of this.listeners) listener(change)
  }

  /** Hands the messenger its network half and starts reaching every contact. */
  async attachNetwork (network: Network): Promise<void> {
    this.network = network
    network.setPrekeyRecord(await this.crypto.currentPrekeyRecord())
    for (const contact of await this.store.listContacts()) network.watch(contact)
    this.groupService.joinTopics()
    this.catchUpTimer = setInterval(() => { this.catchUpGroups() }, GROUP_CATCH_UP_MS)
    leadWhenElected(() => {
      this.leading = true
      this.dutyTimer = setInterval(() => { void this.duty() }, MAILBOX_POLL_MS)
      if (this.relayStatus !== 'offline') void this.duty()
    }, this.shutdown.signal)
  }

  /** The invite carries our signed prekey, so a first message is encrypted even with an empty DHT. */
  async inviteLink (origin: string, relays: string[]): Promise<string> {
    const prekeyRecord = await this.crypto.currentPrekeyRecord()
    return inviteLink(origin, encodeInvite(this.identity, { name: this.name, relays, prekeyRecord, mailboxSecret: this.profile.mailboxSecret }))
  }

  async contacts (): Promise<StoredContact[]> {
    return (await this.store.listContacts()).sort((a, b) => a.addedAt - b.addedAt)
  }

  /** A conversation as shown: group control riding the session is not part of it. */
  async messages (contactId: string): Promise<StoredMessage[]> {
    return (await this.store.listMessages(contactId)).filter((m) => m.control == null)
  }

  // Groups (src/app/groups.ts).

  groups (): GroupView[] {
    return this.groupService.list()
  }

  async createGroup (name: string, memberIds: string[]): Promise<GroupView> {
    return this.groupService.create(name, await this.membersFrom(memberIds))
  }

  async addGroupMember (groupId: string, userId: string): Promise<void> {
    const [member] = await this.membersFrom([userId])
    await this.groupService.addMember(groupId, member!)
  }

  async removeGroupMember (groupId: string, userId: string): Promise<void> {
    await this.groupService.removeMember(groupId, userId)
  }

  async leaveGroup (groupId: string): Promise<void> {
    await this.groupService.leave(groupId)
  }

  async groupMessages (groupId: string): Promise<StoredGroupMessage[]> {
    return this.groupService.messages(groupId)
  }

  async sendToGroup (groupId: string, text: string): Promise<StoredGroupMessage> {
    return this.groupService.send(groupId, text)
  }

  private async membersFrom (userIds: string[]): Promise<GroupMember[]> {
    const members: GroupMember[] = []
    for (const userId of new Set(userIds)) {
      const contact = await this.store.getContact(userId)
      if (contact == null) throw new ProfileError('Only contacts can be added to a group.')
      members.push({ userId, name: contact.name })
    }
    return members
  }

  /** A fellow member we never met becomes a contact, so a session (and sender keys) can reach them. */
  private async ensureContact (member: GroupMember): Promise<void> {
    if (await this.store.getContact(member.userId) != null) return
    const contact: StoredContact = { userId: member.userId, publicKey: decodeUserId(member.userId), name: member.name, relays: [], addedAt: Date.now() }
    await this.store.putContact(contact)
    this.emit({ kind: 'contacts' })
    this.network?.watch(contact)
  }

  /** Group control goes through the outbox like a message: stored first, acknowledged, retried. */
  private async sendControl (userId: string, control: Uint8Array): Promise<void> {
    this.lastSentAt = Math.max(Date.now(), this.lastSentAt + 1)
    await this.store.addMessage({ id: messageIdToString(newMessageId()), contactId: userId, direction: 'out', text: '', control, sentAt: this.lastSentAt, state: 'pending' })
    void this.outbox.deliver(userId).catch(this.reportError)
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
    void this.outbox.deliver(contactId, true).catch(this.reportError)
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
      prekeyRecord: invite?.prekeyRecord ?? existing?.prekeyRecord,
      mailboxSecret: invite?.mailboxSecret ?? existing?.mailboxSecret
    }
    await this.store.putContact(contact)
    this.emit({ kind: 'contacts' })
    this.network?.watch(contact)
    return contact
  }

  /** Stores the message first (queued), then the outbox sends it or leaves it in a mailbox. */
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
    // Conversations are shown by send time: two messages written within one millisecond
    // still get distinct times, so the reader sees them in the order they were written.
    this.lastSentAt = Math.max(now, this.lastSentAt + 1)
    const message: StoredMessage = {
      id: messageIdToString(newMessageId()),
      contactId,
      direction: 'out',
      text: body,
      sentAt: this.lastSentAt,
      state: 'pending'
    }
    await this.store.addMessage(message)
    this.emit({ kind: 'messages', contactId, message })
    void this.outbox.deliver(contactId).catch(this.reportError)
    return message
  }

  /** "Retry" on a failed message. */
  async retry (messageId: string): Promise<void> {
    await this.outbox.retry(messageId)
  }

  /** The person has seen a conversation: its messages are read, and the sender told so if they share that. */
  async markRead (contactId: string): Promise<void> {
    const unread = await this.store.unreadMessages(contactId)
    if (unread.length === 0) return
    for (const message of unread) {
      const updated = await this.store.advanceMessage(message.id, 'read')
      if (updated != null) this.emit({ kind: 'messages', contactId, message: updated })
    }
    if (await this.readReceipts()) {
      void this.outbox.acknowledge(contactId, { read: unread.map((m) => messageIdFromString(m.id)) })
    }
  }

  async readReceipts (): Promise<boolean> {
    return await this.store.loadSetting<boolean>(READ_RECEIPTS) ?? true
  }

  async setReadReceipts (on: boolean): Promise<void> {
    await this.store.saveSetting(READ_RECEIPTS, on)
  }

  /** Reads the mailboxes now (the leader tab also does it on start and every minute). */
  async drainMailboxes (): Promise<DrainReport> {
    return this.reader.drain()
  }

  /** Our push token changed (notifications turned on, renewed or off): every contact hears of it. */
  async sharePushToken (): Promise<void> {
    await this.pushSharing.shareWithAll()
  }

  /**
   * The service worker says a push arrived while this tab is open: someone left mail. The
   * leader tab reads the mailboxes now instead of at the next poll; a tab not yet connected
   * to a relay reads them as soon as it is (onRelayStatus).
   */
  async pushReceived (): Promise<DrainReport | undefined> {
    performance.mark('murmur:push-received', { detail: { leading: this.leading, relay: this.relayStatus } })
    // Another tab leads: the service worker told it too, and it reads.
    if (!this.leading) return undefined
    // Between relays: read as soon as one is back.
    if (this.relayStatus === 'offline') {
      this.pushWaiting = true
      return undefined
    }
    return this.drainForPush()
  }

  private async drainForPush (): Promise<DrainReport | undefined> {
    this.pushWaiting = false
    const report = await this.reader.drain().catch((err: unknown) => { this.reportError(err); return undefined })
    // For the benchmark (npm run bench:pwa): push received to mailbox drained.
    performance.mark('murmur:push-drained', { detail: report })
    return report
  }

  // NetworkHost: what the network half tells the messenger.

  onEnvelope (envelope: SealedEnvelope): void {
    void this.receive(envelope).catch((err: any) => {
      this.emit({ kind: 'refused', reason: err?.name ?? 'refused' })
    })
  }

  /** Decrypts, stores and acknowledges one envelope from a link; throws on refusal. */
  private async receive (envelope: SealedEnvelope): Promise<void> {
    const [result] = await this.receiveAll(envelope.from, [envelope.payload])
    if (result?.ok === false) throw result.error
  }

  /**
   * Decrypts payloads from one sender in order (a link's frame, or a mailbox slot's entries)
   * and commits every ratchet step with the messages they carried in ONE transaction; only
   * then are they shown and acknowledged. Per payload: opened, or why not. Throws, having
   * stored and shown nothing, when the commit fails.
   */
  private async receiveAll (from: Uint8Array, payloads: Uint8Array[]): Promise<Array<{ ok: true } | { ok: false, error: unknown }>> {
    const contactId = encodeUserId(from)
    const { results, known, contact, added, replies } = await this.crypto.openAll(contactId, from, payloads, async (batch) => {
      const known = await this.store.getContact(contactId)
      let contact = known
      const messages: StoredMessage[] = []
      const replies: ChatPayload[] = []
      for (const opened of batch.results) {
        if (!opened.ok) continue
        let payload: ChatPayload | undefined
        try {
          payload = decodeChatPayload(opened.plaintext)
        } catch {
          // Authentic but unreadable (a newer version?): the ratchet step still counts.
        }
        contact = this.contactAfter(contact, contactId, from, payload, opened.theirDhIdentityKey)
        if (payload?.kind === 'push' && contact != null) contact = contactWithPushNote(contact, payload, opened.theirDhIdentityKey)
        if (payload == null) continue
        replies.push(payload)
        if (payload.kind === 'message') {
          messages.push({ id: messageIdToString(payload.id), contactId, direction: 'in', text: payload.text, sentAt: payload.sentAt, state: 'delivered' })
        }
      }
      const added = await batch.commit({ contact: contact !== known ? contact : undefined, messages })
      return { results: batch.results, known, contact, added, replies }
    })
    if (contact !== known) {
      this.emit({ kind: 'contacts' })
      if (known == null && contact != null) this.network?.watch(contact)
    }
    // For tests and benchmarks: their push token is now ours to poke.
    if (contact?.push !== known?.push) performance.mark('murmur:push-note-stored', { detail: { contactId } })
    // They now know us both ways: hand them our push token, if we have one.
    if (contact?.knowsUs === true && known?.knowsUs !== true) void this.pushSharing.shareWith(contactId).catch(this.reportError)
    // One change for a batch: the UI reads the conversation once, not once per message.
    if (added.length === 1) this.emit({ kind: 'messages', contactId, message: added[0] })
    else if (added.length > 1) this.emit({ kind: 'messages', contactId })
    const delivered = replies.flatMap((r) => r.kind === 'receipts' ? r.delivered : [])
    const read = replies.flatMap((r) => r.kind === 'receipts' ? r.read : [])
    if (delivered.length > 0 || read.length > 0) await this.outbox.receiptsArrived(contactId, delivered, read)
    for (const reply of replies) {
      // Applied after the session step is stored; a crash in between loses nothing, as the
      // sender resends until our receipt, and applying twice changes nothing.
      if (reply.kind === 'group') await this.groupService.onControl(contactId, reply.control).catch(this.reportError)
    }
    // Stored (or already had them): acknowledge, so the sender stops retrying.
    const acknowledged = replies.flatMap((r) => r.kind === 'message' || r.kind === 'group' ? [r.id] : [])
    if (acknowledged.length > 0) void this.outbox.acknowledge(contactId, { delivered: acknowledged })
    return results.map((r) => r.ok ? { ok: true } : { ok: false, error: r.error })
  }

  /**
   * The contact record after a message: created when someone writes first, with their
   * X25519 identity key pinned; a different key later is kept aside until the person
   * accepts it, never taken silently.
   */
  private contactAfter (known: StoredContact | undefined, userId: string, publicKey: Uint8Array, payload: ChatPayload | undefined, dhKey: Uint8Array): StoredContact | undefined {
    if (known == null) {
      if (payload?.kind !== 'message') return undefined
      return { userId, publicKey, name: payload.name, relays: [], addedAt: Date.now(), dhIdentityKey: dhKey, knowsUs: true }
    }
    // They encrypted for us, so they know our keys: from now on we write to the pair's slots.
    if (known.dhIdentityKey == null) return { ...known, dhIdentityKey: dhKey, knowsUs: true }
    if (!equals(known.dhIdentityKey, dhKey) && (known.changedDhIdentityKey == null || !equals(known.changedDhIdentityKey, dhKey))) {
      return { ...known, changedDhIdentityKey: dhKey }
    }
    return known.knowsUs === true ? known : { ...known, knowsUs: true }
  }

  onLinkUp (userId: string): void {
    void this.outbox.deliver(userId, true).catch(this.reportError)
    void this.pushSharing.shareWith(userId).catch(this.reportError)
    this.groupService.memberOnline(userId)
  }

  /** Asks group members for what gossip may have missed (every GROUP_CATCH_UP_MS, in every tab). */
  catchUpGroups (): void {
    this.groupService.catchUp()
  }

  async validateGroupMessage (topic: string, data: Uint8Array): Promise<'accept' | 'reject' | 'ignore'> {
    return this.groupService.validate(topic, data)
  }

  onGroupMessage (topic: string, data: Uint8Array, from: string | undefined): void {
    this.groupService.onGossip(topic, data, from)
  }

  async onSyncRequest (userId: string, request: Uint8Array): Promise<Uint8Array[]> {
    return this.groupService.answerSync(userId, request)
  }

  onStatus (userId: string): void {
    this.emit({ kind: 'status', contactId: userId })
  }

  onRelayStatus (status: RelayStatus, reservedRelays = 0): void {
    const wasOffline = this.relayStatus === 'offline'
    this.relayStatus = status
    this.reservedRelays = reservedRelays
    this.emit({ kind: 'relay' })
    // Online again: whatever waited goes out (to a mailbox when the contact is away), and
    // the leader looks for what arrived meanwhile. A relay connection is enough for both
    // (we dial out, and DHT lookups wait for the relay to be in the routing table); the
    // reservation, which only makes us reachable, comes a moment later.
    if (status === 'offline' || !wasOffline) return
    void this.catchUp()
    if (this.pushWaiting) void this.drainForPush()
  }

  private async catchUp (): Promise<void> {
    for (const contact of await this.store.listContacts()) {
      await this.outbox.deliver(contact.userId).catch(this.reportError)
    }
    void this.pushSharing.shareWithAll().catch(this.reportError)
    if (this.leading) await this.duty()
  }

  /** The leader tab's periodic work: read the mailboxes, keep our records alive, fail the hopeless. */
  private async duty (): Promise<void> {
    let report = await this.reader.drain().catch(this.reportError)
    // A young node's routing table is thin and a lookup may fail: retry a few times soon,
    // rather than leave mail waiting until the next poll.
    for (const wait of DRAIN_RETRY_MS) {
      if (report?.complete !== false || this.shutdown.signal.aborted) break
      await new Promise((resolve) => setTimeout(resolve, wait))
      report = await this.reader.drain().catch(this.reportError)
    }
    await this.outbox.tick().catch(this.reportError)
  }

  private readonly reportError = (err: any): void => {
    this.emit({ kind: 'refused', reason: err?.message ?? String(err) })
  }

  onRefusedFrame (reason: string): void {
    this.emit({ kind: 'refused', reason })
  }

  async close (): Promise<void> {
    this.shutdown.abort()
    this.tabs.close()
    clearInterval(this.dutyTimer)
    clearInterval(this.catchUpTimer)
    await this.network?.stop()
    this.store.close()
  }
}
