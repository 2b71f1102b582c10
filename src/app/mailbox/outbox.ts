import { encodeEnvelope } from '../../core/envelope.ts'
import { encodeChatPayload, RECEIPT_IDS_MAX, type ChatPayload } from '../../core/chat-payload.ts'
import { messageIdFromString, messageIdToString, newMessageId } from '../../core/message-id.ts'
import { encodeMailboxRecord, MAILBOX_RETENTION_MS } from '../../core/mailbox/record.ts'
import { deliveryDeadline, isFailed } from '../../core/mailbox/outbox-schedule.ts'
import { mailboxSlot } from '../../core/mailbox/slots.ts'
import { ENTRY_OVERHEAD_BYTES, sealMailboxEntry } from '../../core/mailbox/entry.ts'
import {
  addEntry, chooseSlot, emptyWriterState, expiredEntries, holdsEntry, markPublished, pruneWriterState,
  recordFields, refreshSlot, removeEntries, slotsToPublish, type MailboxWriterState, type WriterSlot
} from '../../core/mailbox/writer.ts'
import { isGroupMessageControl } from '../../core/group/index.ts'
import { withLock } from '../locks.ts'
import { writeSecretOf, writeTarget } from './mailbox-secrets.ts'
import type { ContactStore, HistoryStore, Links, Directory, OutboxStore, StoredContact, StoredMessage, StoredProfile } from '../../core/ports/index.ts'
import type { ComponentLogger, EventSink, Logger } from '../../diagnostics/index.ts'
import type { SessionCrypto } from '../session-crypto.ts'

/** A message sent on a link that brings no receipt in this time goes to the mailbox too. */
export const RECEIPT_WAIT_MS = 10_000
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

export interface OutboxHost {
  /** A message moved on (state, holders): the UI shows it. */
  changed: (message: StoredMessage) => void
  /** Something the person should know, e.g. why a message cannot wait in a mailbox. */
  notice: (text: string) => void
  /** Messages for this contact now wait in their mailbox on at least one peer: time to wake them. */
  mailboxWritten?: (contact: StoredContact) => void
}

/** What goes into a mailbox entry: a chat payload, with its id and when it stops mattering. */
interface Outgoing {
  id: Uint8Array
  deadline: number
  payload: ChatPayload
  /** The message it carries, to mark stored; receipts have none. */
  messageId?: string
  /** A person's message (1:1 or group): worth a push to the contact when it waits in their mailbox. */
  wakes?: boolean
}

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
  private readonly receiptWaits = new Map<string, ReturnType<typeof setTimeout>>()
  private readonly store: OutboxComponents['store']
  private readonly crypto: SessionCrypto
  private readonly profile: StoredProfile
  private readonly network: OutboxComponents['network']
  private readonly host: OutboxHost
  private readonly events: EventSink
  private readonly log: Logger
  private readonly retentionMs: number
  private readonly now: () => number

  constructor (components: OutboxComponents, init: OutboxInit = {}) {
    ({ store: this.store, crypto: this.crypto, profile: this.profile, network: this.network, host: this.host, events: this.events } = components)
    this.log = components.logger.forComponent('murmur:outbox')
    this.retentionMs = init.retentionMs ?? MAILBOX_RETENTION_MS
    this.now = init.now ?? Date.now
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
      let sentDirect = false
      for (const message of await this.store.undeliveredMessages(contactId)) {
        if (message.state !== 'pending' && !resend) continue
        if (await this.sendDirect(contact, messagePayload(this.profile, message))) {
          sentDirect = true
          const advanced = await this.store.advanceMessage(message.id, 'sent')
          if (advanced != null) this.host.changed(advanced)
        } else if (message.state !== 'stored') {
          toMailbox.push(message)
        }
      }
      if (toMailbox.length > 0) await this.storeMessages(contact, toMailbox)
      if (sentDirect) this.awaitReceipts(contactId)
    })
  }

  /**
   * Sends one payload that is not a person's message (a push note): on the direct link if it
   * is up, else to the contact's mailbox until `ttlMs` from now. False when neither can take
   * it now (no link, no mailbox we can write); nothing waits then.
   */
  async sendPayload (contact: StoredContact, payload: ChatPayload, ttlMs: number): Promise<boolean> {
    if (await this.sendDirect(contact, payload)) return true
    if (writeTarget(this.profile, contact) == null) return false
    await withLock(`murmur:outbox:${contact.userId}`, async () => {
      await this.storeInMailbox(contact, [{ id: payload.id, deadline: this.now() + ttlMs, payload }])
    })
    return true
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
    for (const [ids, state] of [[delivered, 'delivered'], [read, 'read']] as const) {
      for (const id of ids) {
        const updated = await this.store.advanceMessage(messageIdToString(id), state)
        if (updated?.contactId === contactId && updated.direction === 'out') this.host.changed(updated)
      }
    }
    await this.withdraw(contactId, [...delivered, ...read])
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
        await this.withWriter(contact, async (state) => {
          // Receipt entries past their week and failed messages leave the records.
          const gone = [...failed, ...expiredEntries(state, this.now()).map((e) => e.id)]
          return pruneWriterState(removeEntries(state, gone, this.now()), this.now())
        })
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
      await withLock(`murmur:outbox:${contactId}`, async () => { await this.storeInMailbox(contact, viaMailbox) })
    }
  }

  private awaitReceipts (contactId: string): void {
    clearTimeout(this.receiptWaits.get(contactId))
    this.receiptWaits.set(contactId, setTimeout(() => {
      this.receiptWaits.delete(contactId)
      this.storeUnacknowledged(contactId).catch((err: unknown) => { this.log.error('writing unacknowledged messages for %s to the mailbox failed', contactId, err) })
    }, RECEIPT_WAIT_MS))
  }

  /** Sent on a link that then went quiet: the messages wait in the mailbox as well. */
  private async storeUnacknowledged (contactId: string): Promise<void> {
    await withLock(`murmur:outbox:${contactId}`, async () => {
      const contact = await this.store.getContact(contactId)
      if (contact == null) return
      const sent = (await this.store.undeliveredMessages(contactId)).filter((m) => m.state === 'sent')
      if (sent.length > 0) await this.storeMessages(contact, sent)
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
    await this.storeInMailbox(contact, outgoing)
  }

  /** Writes entries to the contact's mailbox: sealed, placed, stored durably, then PUT. */
  private async storeInMailbox (contact: StoredContact, outgoing: Outgoing[]): Promise<void> {
    const target = writeTarget(this.profile, contact)
    if (target == null) {
      this.host.notice(`${contact.name} is offline and has no mailbox we can reach yet: messages wait until you are both online. Adding them from their invite link lets messages wait for them.`)
      return
    }
    const network = this.network()
    const holders = await this.withWriter(contact, async (start) => {
      let state = start
      for (const item of outgoing) {
        if (holdsEntry(state, item.id) || item.deadline <= this.now()) continue
        const sealed = await this.crypto.seal(contact, encodeChatPayload(item.payload), async () => network?.findPrekey(contact.publicKey))
        const envelope = encodeEnvelope(this.profile, { kind: 'sealed', to: contact.publicKey, payload: sealed })
        const ref = chooseSlot(state, target.kind, envelope.length + ENTRY_OVERHEAD_BYTES, this.now())
        const slot = mailboxSlot(target.secret, contact.publicKey, ref.epoch, ref.index)
        const payload = sealMailboxEntry(target.secret, slot.key, item.id, envelope)
        state = addEntry(state, ref, { id: item.id, payload, deadline: item.deadline }, this.now())
      }
      return state
    }).catch((err: unknown) => {
      this.log.error('mailbox write for %s failed', contact.userId, err)
      this.host.notice(err instanceof Error ? err.message : String(err))
      return 0
    })
    // Receipts, notes and group keys wake nobody: only a person's message is worth a notification.
    if (holders > 0 && outgoing.some((item) => item.wakes === true)) this.host.mailboxWritten?.(contact)
  }

  private async withdraw (contactId: string, ids: Uint8Array[]): Promise<void> {
    const contact = await this.store.getContact(contactId)
    if (contact == null || ids.length === 0) return
    await this.withWriter(contact, async (state) => removeEntries(state, ids, this.now()))
  }

  /**
   * Runs a change of a contact's writer state under its lock, stores the result before any
   * of it leaves, then PUTs every record that is due and records how many peers took it.
   * Returns the most peers any of those PUTs reached (0 when none was due or none took it).
   */
  private async withWriter (contact: StoredContact, change: (state: MailboxWriterState) => Promise<MailboxWriterState>): Promise<number> {
    return withLock(`murmur:mailbox:${contact.userId}`, async () => {
      let holders = 0
      const loaded = await this.store.loadMailboxWriter(contact.userId)
      let state = await change(loaded ?? emptyWriterState())
      if (state !== loaded && (loaded != null || state.slots.length > 0)) await this.store.saveMailboxWriter(contact.userId, state)
      for (const due of slotsToPublish(state, this.now())) {
        state = await this.publish(contact, state, due)
        await this.store.saveMailboxWriter(contact.userId, state)
        holders = Math.max(holders, state.slots.find((s) => s.secretKind === due.secretKind && s.epoch === due.epoch && s.index === due.index)?.holders ?? 0)
      }
      return holders
    })
  }

  private async publish (contact: StoredContact, state: MailboxWriterState, due: WriterSlot): Promise<MailboxWriterState> {
    const network = this.network()
    const secret = writeSecretOf(due.secretKind, this.profile, contact)
    if (network == null || secret == null) return state
    // A version already out is signed again for its republish (new seq, same entries).
    if (due.published) state = refreshSlot(state, due, this.now())
    const slot = state.slots.find((s) => s.secretKind === due.secretKind && s.epoch === due.epoch && s.index === due.index)!
    const keys = mailboxSlot(secret, contact.publicKey, slot.epoch, slot.index)
    const record = encodeMailboxRecord(keys.writeKey, recordFields(slot))
    const started = performance.now()
    const holders = await network.putMailbox(keys.key, record).catch((err: unknown) => { this.log('mailbox PUT found no holder', err); return 0 })
    this.events.emit('mailbox:put', { ms: performance.now() - started, holders, bytes: record.length, entries: slot.entries.length })
    state = markPublished(state, slot, slot.seq, holders)
    if (holders > 0) {
      for (const entry of slot.entries) {
        const updated = await this.store.advanceMessage(messageIdToString(entry.id), 'stored', holders)
        if (updated?.direction === 'out') this.host.changed(updated)
      }
    }
    return state
  }
}

function messagePayload (profile: StoredProfile, message: StoredMessage): ChatPayload {
  if (message.control != null) return { kind: 'group', id: messageIdFromString(message.id), sentAt: message.sentAt, control: message.control }
  return { kind: 'message', id: messageIdFromString(message.id), sentAt: message.sentAt, name: profile.name, text: message.text }
}
