import type { ConnectionStatus, MessengerStore, Network, NetworkHost, RelayStatus, SealedEnvelope, StoredProfile } from '../core/ports/index.ts'
import { Diagnostics, type ComponentLogger, type EventSink, type Logger } from '../diagnostics/index.ts'
import { ChangeBus } from './change-bus.ts'
import { Connectivity } from './connectivity.ts'
import { ContactBook } from './contact-book.ts'
import { Conversations } from './conversations.ts'
import { Groups } from './groups/groups.ts'
import { Inbox } from './inbox.ts'
import { LeaderDuties } from './leader-duties.ts'
import { MailboxReader } from './mailbox/mailbox-reader.ts'
import { Outbox } from './mailbox/outbox.ts'
import { createProfile, loadProfile, Profile } from './profile.ts'
import { createPushPoker } from './push/push-poker.ts'
import { PushSharing } from './push/push-sharing.ts'
import { Requests } from './requests.ts'
import { isContact } from '../core/requests.ts'
import { SessionCrypto, type OpenPayload } from './session-crypto.ts'

/** How often every tab asks a few group members for messages gossip may have missed. */
export const GROUP_CATCH_UP_MS = 15_000

export interface MessengerInit {
  /** How long an outgoing message may wait for its receipt before it fails. */
  retentionMs?: number
  logger?: ComponentLogger
  events?: EventSink
  /** How session payloads are opened (SessionCryptoInit): the WebCrypto path unless given. */
  decrypt?: OpenPayload
}

/**
 * The composition root of one profile: it makes each service with the components it needs
 * and hands the network half's events to the service they belong to. The UI talks to the
 * services (profile, contacts, conversations, groups, duties, connectivity) and hears what
 * changed on the bus; nothing here holds state of its own.
 */
export class Messenger implements NetworkHost {
  readonly profile: Profile
  readonly bus: ChangeBus
  readonly connectivity: Connectivity
  readonly contacts: ContactBook
  readonly conversations: Conversations
  readonly groups: Groups
  readonly duties: LeaderDuties
  readonly pushSharing: PushSharing
  readonly requests: Requests
  private readonly inbox: Inbox
  private readonly outbox: Outbox
  private readonly crypto: SessionCrypto
  private readonly shutdown = new AbortController()
  private readonly log: Logger
  private catchUpTimer: ReturnType<typeof setInterval> | undefined

  private constructor (private readonly store: MessengerStore, record: StoredProfile, init: MessengerInit) {
    const logger = init.logger ?? new Diagnostics()
    const events = init.events ?? (logger instanceof Diagnostics ? logger : new Diagnostics())
    this.log = logger.forComponent('murmur:messenger')
    this.crypto = new SessionCrypto(store, record, {
      decrypt: init.decrypt,
      // An early rotation (the replay cache filling) is published at once, not at the next start.
      prekeyRotated: (prekeyRecord) => { this.connectivity.current()?.setPrekeyRecord(prekeyRecord) },
      log: logger.forComponent('murmur:session-crypto')
    })
    this.profile = new Profile({ record, crypto: this.crypto, store })
    const userId = this.profile.userId
    this.bus = new ChangeBus({ profileId: userId, logger, beforeOtherTab: async (change) => { await this.onOtherTab(change) } })
    this.connectivity = new Connectivity(this.bus)
    const network = this.connectivity.current
    const poker = createPushPoker({ onFailure: (contactId, err) => { this.log('poking %s failed', contactId, err) } })
    this.outbox = new Outbox({
      store, crypto: this.crypto, profile: record, network, events, logger,
      host: {
        changed: (message) => { this.bus.emit({ kind: 'messages', contactId: message.contactId, message }) },
        notice: (notice) => { this.bus.emit({ kind: 'notice', notice }) },
        mailboxWritten: (contact) => { void poker.poke(contact) }
      }
    }, { retentionMs: init.retentionMs })
    this.pushSharing = new PushSharing(store, async (contact, payload, ttlMs) => this.outbox.sendPayload(contact, payload, ttlMs))
    this.contacts = new ContactBook({
      store, profile: this.profile, bus: this.bus, connectivity: this.connectivity, logger,
      keyAccepted: (contactId) => { this.outbox.deliver(contactId, true).catch((err: unknown) => { this.log.error('delivery to %s failed', contactId, err) }) }
    })
    this.requests = new Requests({
      store, bus: this.bus, connectivity: this.connectivity, logger,
      accepted: (contactId) => { this.pushSharing.shareWith(contactId).catch((err: unknown) => { this.log.error('sharing the push token with %s failed', contactId, err) }) }
    })
    this.conversations = new Conversations({ store, outbox: this.outbox, bus: this.bus, logger })
    this.groups = new Groups({
      store, network, bus: this.bus, events, logger,
      self: { userId, get name () { return record.name } },
      sendControl: async (to, control) => { await this.conversations.sendControl(to, control) },
      ensureMember: async (member) => { await this.contacts.ensureMember(member) },
      knows: async (userId) => isContact(await store.getContact(userId)),
      standing: async (userId) => this.requests.standing(userId),
      invitedBy: async (userId, name) => { await this.requests.invitedBy(userId, name) },
      acceptInviter: async (userId) => { await this.requests.accept(userId) }
    })
    this.inbox = new Inbox({
      store, crypto: this.crypto, outbox: this.outbox, pushSharing: this.pushSharing, requests: this.requests, connectivity: this.connectivity, bus: this.bus, events, logger,
      groupControl: async (from, control) => { await this.groups.onControl(from, control) }
    })
    const reader = new MailboxReader({
      store, profile: record, network, events, logger,
      host: {
        receive: async (from, payloads) => this.inbox.receiveAll(from, payloads),
        acknowledge: (contactId, id) => { void this.outbox.acknowledge(contactId, { delivered: [id] }) }
      }
    })
    this.duties = new LeaderDuties({ store, reader, outbox: this.outbox, pushSharing: this.pushSharing, connectivity: this.connectivity, events, logger }, { signal: this.shutdown.signal })
  }

  /** The profile in this store, or undefined when there is none yet. */
  static async load (store: MessengerStore, init: MessengerInit = {}): Promise<Messenger | undefined> {
    const record = await loadProfile(store)
    return record == null ? undefined : await Messenger.start(store, record, init)
  }

  static async create (store: MessengerStore, name: string, init: MessengerInit & { now?: number } = {}): Promise<Messenger> {
    return Messenger.start(store, await createProfile(store, name, init.now), init)
  }

  private static async start (store: MessengerStore, record: StoredProfile, init: MessengerInit): Promise<Messenger> {
    const messenger = new Messenger(store, record, init)
    await messenger.groups.start()
    return messenger
  }

  get identity (): Profile['identity'] { return this.profile.identity }
  get name (): string { return this.profile.name }
  get userId (): string { return this.profile.userId }

  /** Hands the messenger its network half and starts reaching every contact. */
  async attachNetwork (network: Network): Promise<void> {
    this.connectivity.attach(network)
    network.setPrekeyRecord(await this.crypto.currentPrekeyRecord())
    for (const contact of await this.store.listContacts()) if (isContact(contact)) network.watch(contact)
    this.groups.joinTopics()
    this.catchUpTimer = setInterval(() => { this.groups.catchUp() }, GROUP_CATCH_UP_MS)
    this.duties.stand()
  }

  /**
   * The page is being hidden or closed: what is neither delivered nor in a mailbox goes to
   * the mailbox now. How many messages are still not safe after.
   */
  async secureUnsent (): Promise<number> {
    return this.outbox.secureAll()
  }

  /** How many messages are neither delivered nor in a mailbox. */
  async unsentCount (): Promise<number> {
    return this.outbox.unsafeCount()
  }

  // NetworkHost: the network half's events, each handed to its service.

  onEnvelope (envelope: SealedEnvelope, via?: { peerId: string }): void {
    this.inbox.onEnvelope(envelope, via)
  }

  onLinkUp (userId: string): void {
    this.outbox.linkUp(userId).catch((err: unknown) => { this.log.error('delivery to %s failed', userId, err) })
    this.pushSharing.shareWith(userId).catch((err: unknown) => { this.log.error('sharing the push token with %s failed', userId, err) })
    this.groups.memberOnline(userId)
  }

  onStatus (userId: string, status: ConnectionStatus): void {
    this.connectivity.linkStatusChanged(userId)
    // The last link went down (its keepalive failed, or it closed): nothing sent on it waits for a receipt.
    if (status === 'offline') this.outbox.linkLost(userId)
  }

  onRelayStatus (status: RelayStatus, reservedRelays = 0): void {
    const wasOffline = this.connectivity.relayChanged(status, reservedRelays)
    if (status !== 'offline' && wasOffline) this.duties.relayBack()
  }

  onRefusedFrame (reason: string): void {
    this.log('refused a frame: %s', reason)
  }

  async validateGroupMessage (topic: string, data: Uint8Array): Promise<'accept' | 'reject' | 'ignore'> {
    return this.groups.validate(topic, data)
  }

  onGroupMessage (topic: string, data: Uint8Array, from: string | undefined): void {
    this.groups.onGossip(topic, data, from)
  }

  async onSyncRequest (userId: string, request: Uint8Array): Promise<Uint8Array[]> {
    return this.groups.answerSync(userId, request)
  }

  /** Another tab of this profile changed the store: reach new contacts, reload groups. */
  private async onOtherTab (change: { kind: string, groupId?: string }): Promise<void> {
    const network = this.connectivity.current()
    if (change.kind === 'contacts' && network != null) {
      for (const contact of await this.store.listContacts()) if (isContact(contact)) network.watch(contact)
    }
    if (change.kind === 'group-messages' && change.groupId != null) await this.groups.reload(change.groupId)
    if (change.kind === 'groups') await this.groups.start()
  }

  async close (): Promise<void> {
    this.shutdown.abort()
    this.bus.close()
    clearInterval(this.catchUpTimer)
    await this.connectivity.stop()
    this.store.close()
  }
}
