import { encodeEnvelope } from '../../core/envelope.ts'
import { encodeChatPayload, RECEIPT_IDS_MAX, type ChatPayload } from '../../core/chat-payload.ts'
import { messageIdFromString, messageIdToString, newMessageId } from '../../core/message-id.ts'
import { MAILBOX_RETENTION_MS } from '../../core/mailbox/record.ts'
import { deliveryDeadline, isFailed } from '../../core/mailbox/outbox-schedule.ts'
import { isGroupMessageControl } from '../../core/group/index.ts'
import { withLock } from '../locks.ts'
import { MailboxWriting, type MailboxWritingHost, type Outgoing } from './mailbox-writing.ts'
import { ReceiptWaits } from './receipt-waits.ts'
import type { ContactStore, HistoryStore, Links, Directory, OutboxStore, StoredContact, StoredMessage, StoredProfile } from '../../core/ports/index.ts'
import type { ComponentLogger, EventSink, Logger } from '../../diagnostics/index.ts'
import type { SessionCrypto } from '../session-crypto.ts'

/** Receipts written to a mailbox only matter until the sender next looks: a week is plenty. */
export const RECEIPT_TTL_MS = 7 * 24 * 60 * 60 * 1000

export interface OutboxComponents {
  store: ContactStore & HistoryStore & OutboxStore
  crypto: SessionCrypto
  profile: StoredProfile
  /** The network half, once it is loaded. */
  network: () => (Links & Directory) | undefined
  host: OutboxHost
  events: EventSink
  logger: ComponentLogger
}

export interface OutboxInit {
  /** How long a message may wait for its receipt before it fails (MAILBOX_RETENTION_MS). */
  retentionMs?: number
  now?: () => number
}

/** A message moved on (state, holders): the UI shows it; and the mailbox writing's own notes. */
export type OutboxHost = MailboxWritingHost

/**
 * The outbox: every accepted message leaves it only on a receipt. It sends on a direct link
 * when there is one; when there is none (or no receipt comes back in time) it writes the
 * message to the contact's mailbox on the DHT at once, keeps those records published and
 * republished until receipts come, and marks a message failed after the retention period.
 * Work for one contact is serialized across tabs by Web Locks: `outbox:` around sending,
 * `mailbox:` around the writer state (always taken inside `outbox:` when both are held).
 */
export class Outbox {
  private readonly pendingAcks = new Map<string, { delivered: Map<string, Uint8Array>, read: Map<string, Uint8Array> }>()
  /** Messages sent on links, timed: no receipt within a measured 1 to 4 s and they go to the mailbox too. */
  private readonly receiptWaits: ReceiptWaits
  private readonly store: OutboxComponents['store']
  private readonly crypto: SessionCrypto
  private readonly profile: StoredProfile
  private readonly network: OutboxComponents['network']
  private readonly host: OutboxHost
  private readonly mailbox: MailboxWriting
  private readonly log: Logger
  private readonly retentionMs: number
  private readonly now: () => number

  constructor (components: OutboxComponents, init: OutboxInit = {}) {
    ({ store: this.store, crypto: this.crypto, profile: this.profile, network: this.network, host: this.host } = components)
    this.log = components.logger.forComponent('murmur:outbox')
    this.retentionMs = init.retentionMs ?? MAILBOX_RETENTION_MS
    this.now = init.now ?? Date.now
    this.mailbox = new MailboxWriting({ ...components, now: this.now })
    this.receiptWaits = new ReceiptWaits({
      now: this.now,
      // The whole link is unconfirmed now: every message on it without a receipt, in one write;
      // and the link is pinged now, so a dead one closes within its ping timeout (the DHT
      // walk behind that write stops waiting on it too).
      overdue: (contactId) => {
        this.network()?.checkLink(contactId)
        this.storeUnacknowledged(contactId, true).catch((err: unknown) => { this.log.error('writing unacknowledged messages for %s to the mailbox failed', contactId, err) })
      }
    })
  }

  /**
   * Sends what waits for a contact. Pending messages go on the direct link if it is up, else
   * to the mailbox. With `resend` (a link just came up) messages sent or stored before
   * without a receipt go on the link again: the receiver folds duplicates by id.
   */
  async deliver (contactId: string, resend = false): Promise<void> {
    await withLock(`murmur:outbox:${contactId}`, async () => {
      const contact = await this.store.getContact(contactId)
      if (contact == null) return
      const toMailbox: StoredMessage[] = []
      for (const message of await this.store.undeliveredMessages(contactId)) {
        if (message.state !== 'pending' && !resend) continue
        if (await this.sendDirect(contact, messagePayload(this.profile, message))) {
          this.receiptWaits.sent(contactId, message.id)
          const advanced = await this.store.advanceMessage(message.id, 'sent')
          if (advanced != null) this.host.changed(advanced)
          // A suspect link may be dead: the mailbox gets it now too, not after another wait.
          if (this.receiptWaits.isSuspect(contactId)) toMailbox.push(advanced ?? message)
        } else if (message.state !== 'stored') {
          toMailbox.push(message)
        }
      }
      if (toMailbox.length > 0) await this.storeMessages(contact, toMailbox)
    })
  }

  /**
   * Sends one payload that is not a person's message (a push note): on the direct link if it
   * is up, else to the contact's mailbox until `ttlMs` from now. False when neither can take
   * it now (no link, no mailbox we can write); nothing waits then.
   */
  async sendPayload (contact: StoredContact, payload: ChatPayload, ttlMs: number): Promise<boolean> {
    if (await this.sendDirect(contact, payload)) return true
    if (!this.mailbox.canWrite(contact)) return false
    await withLock(`murmur:outbox:${contact.userId}`, async () => {
      await this.mailbox.write(contact, [{ id: payload.id, deadline: this.now() + ttlMs, payload }])
    })
    return true
  }

  /** A direct link to the contact came up: it starts trusted, and what waits goes on it (again). */
  async linkUp (contactId: string): Promise<void> {
    this.receiptWaits.linkUp(contactId)
    await this.deliver(contactId, true)
  }

  /** Puts back a failed message and sends it again. */
  async retry (messageId: string): Promise<void> {
    const message = await this.store.requeueMessage(messageId, this.now())
    if (message == null) return
    this.host.changed(message)
    await this.deliver(message.contactId)
  }

  /** Receipts came for our messages: the mailbox copies are withdrawn. */
  async receiptsArrived (contactId: string, delivered: Uint8Array[], read: Uint8Array[]): Promise<void> {
    // A receipt speaks only for messages we sent to the contact whose session carried it:
    // the store checks that before moving anything, and only those copies are withdrawn.
    const ours: Uint8Array[] = []
    for (const [ids, state] of [[delivered, 'delivered'], [read, 'read']] as const) {
      for (const id of ids) {
        const updated = await this.store.advanceOnReceipt(contactId, messageIdToString(id), state)
        if (updated == null) continue
        if (state === 'delivered') this.receiptWaits.received(updated.id)
        ours.push(id)
        this.host.changed(updated)
      }
    }
    const contact = await this.store.getContact(contactId)
    if (contact != null) await this.mailbox.withdraw(contact, ours)
  }

  /**
   * Acknowledges messages from a contact (delivered, or read), batched: everything
   * acknowledged within a moment goes in one receipts payload, on the link if it is up, else
   * to their mailbox.
   */
  acknowledge (contactId: string, ids: { delivered?: Uint8Array[], read?: Uint8Array[] }): Promise<void> {
    let batch = this.pendingAcks.get(contactId)
    const first = batch == null
    batch ??= { delivered: new Map(), read: new Map() }
    this.pendingAcks.set(contactId, batch)
    for (const id of ids.delivered ?? []) batch.delivered.set(messageIdToString(id), id)
    for (const id of ids.read ?? []) batch.read.set(messageIdToString(id), id)
    if (!first) return Promise.resolve()
    return new Promise((resolve) => setTimeout(() => { void this.flushAcks(contactId).finally(resolve) }, 20))
  }

  /**
   * The periodic duty of the profile's leader tab: messages past their retention fail,
   * records not yet out are PUT again, live ones republished before holders drop them.
   */
  async tick (): Promise<void> {
    for (const contact of await this.store.listContacts()) {
      await withLock(`murmur:outbox:${contact.userId}`, async () => {
        const failed: Uint8Array[] = []
        for (const message of await this.store.undeliveredMessages(contact.userId)) {
          if (!isFailed({ queuedAt: message.retriedAt ?? message.sentAt }, this.now(), this.retentionMs)) continue
          const updated = await this.store.advanceMessage(message.id, 'failed')
          if (updated != null) this.host.changed(updated)
          failed.push(messageIdFromString(message.id))
        }
        await this.mailbox.prune(contact, failed)
      })
    }
  }

  private async flushAcks (contactId: string): Promise<void> {
    const batch = this.pendingAcks.get(contactId)
    this.pendingAcks.delete(contactId)
    if (batch == null) return
    const contact = await this.store.getContact(contactId)
    if (contact == null) return
    const delivered = [...batch.delivered.values()]
    const read = [...batch.read.values()]
    const payloads: ChatPayload[] = []
    while (delivered.length > 0 || read.length > 0) {
      payloads.push({
        kind: 'receipts', id: newMessageId(), sentAt: this.now(),
        delivered: delivered.splice(0, RECEIPT_IDS_MAX), read: read.splice(0, RECEIPT_IDS_MAX)
      })
    }
    const viaMailbox: Outgoing[] = []
    for (const payload of payloads) {
      if (!await this.sendDirect(contact, payload)) {
        viaMailbox.push({ id: payload.id, deadline: this.now() + RECEIPT_TTL_MS, payload })
      }
    }
    if (viaMailbox.length > 0) {
      await withLock(`murmur:outbox:${contactId}`, async () => { await this.mailbox.write(contact, viaMailbox) })
    }
  }

  /**
   * The page is going away (hidden, closing, frozen): every message neither delivered nor
   * held in a mailbox goes to the mailbox now, without waiting for its receipt. Returns how
   * many are still not safe after (no holder took them, or no mailbox to write).
   */
  async secureAll (): Promise<number> {
    let unsafe = 0
    for (const contact of await this.store.listContacts()) {
      await withLock(`murmur:outbox:${contact.userId}`, async () => {
        const open = (await this.store.undeliveredMessages(contact.userId)).filter(isUnsafe)
        if (open.length === 0) return
        await this.storeMessages(contact, open)
        this.receiptWaits.settle(contact.userId, true)
        unsafe += (await this.store.undeliveredMessages(contact.userId)).filter(isUnsafe).length
      })
    }
    return unsafe
  }

  /** How many messages are neither delivered nor held in a mailbox (queued, or sent without a receipt). */
  async unsafeCount (): Promise<number> {
    let unsafe = 0
    for (const contact of await this.store.listContacts()) unsafe += (await this.store.undeliveredMessages(contact.userId)).filter(isUnsafe).length
    return unsafe
  }

  /**
   * The contact's link went down: what was sent on it without a receipt goes to the mailbox
   * now, without waiting out the receipt time.
   */
  linkLost (contactId: string): void {
    this.storeUnacknowledged(contactId, true).catch((err: unknown) => { this.log.error('writing unacknowledged messages for %s to the mailbox failed', contactId, err) })
  }

  /**
   * Sent on a link that brought no receipt in time (or went down: `all`): the messages wait
   * in the mailbox as well. The direct copy may still arrive; the receiver keeps one by id.
   */
  private async storeUnacknowledged (contactId: string, all = false): Promise<void> {
    await withLock(`murmur:outbox:${contactId}`, async () => {
      const contact = await this.store.getContact(contactId)
      if (contact == null) return
      const sent = (await this.store.undeliveredMessages(contactId))
        .filter((m) => m.state === 'sent' && (all || this.receiptWaits.isOverdue(m.id)))
      if (sent.length > 0) await this.storeMessages(contact, sent)
      this.receiptWaits.settle(contactId, all)
    })
  }

  /** Encrypts one payload (the session step stored first) and writes it to the direct link. */
  private async sendDirect (contact: StoredContact, payload: ChatPayload): Promise<boolean> {
    const network = this.network()
    if (network == null || !network.isLinked(contact.userId)) return false
    try {
      const sealed = await this.crypto.seal(contact, encodeChatPayload(payload), async () => network.findPrekey(contact.publicKey))
      return await network.send(contact.userId, encodeEnvelope(this.profile, { kind: 'sealed', to: contact.publicKey, payload: sealed }))
    } catch (err) {
      // No session and no prekey yet, a changed key, a dropped link: it waits.
      this.log('not sent to %s on the link now', contact.userId, err)
      return false
    }
  }

  private async storeMessages (contact: StoredContact, messages: StoredMessage[]): Promise<void> {
    const outgoing: Outgoing[] = []
    for (const message of messages) {
      const queuedAt = message.retriedAt ?? message.sentAt
      outgoing.push({
        id: messageIdFromString(message.id),
        deadline: deliveryDeadline({ queuedAt }, this.retentionMs),
        payload: messagePayload(this.profile, message),
        messageId: message.id,
        // Group keys and membership changes wait quietly; group messages wake, as messages do.
        wakes: message.control == null || isGroupMessageControl(message.control)
      })
    }
    await this.mailbox.write(contact, outgoing)
  }
}

function messagePayload (profile: StoredProfile, message: StoredMessage): ChatPayload {
  if (message.control != null) return { kind: 'group', id: messageIdFromString(message.id), sentAt: message.sentAt, control: message.control }
  return { kind: 'message', id: messageIdFromString(message.id), sentAt: message.sentAt, name: profile.name, text: message.text }
}

/** Not yet safe if this tab closed now: queued, or sent on a link with no receipt yet. */
function isUnsafe (message: StoredMessage): boolean {
  return message.state === 'pending' || message.state === 'sent'
}
