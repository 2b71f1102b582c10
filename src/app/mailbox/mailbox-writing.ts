import { encodeEnvelope } from '../../core/envelope.ts'
import { encodeChatPayload, type ChatPayload } from '../../core/chat-payload.ts'
import { messageIdToString } from '../../core/message-id.ts'
import { encodeMailboxRecord } from '../../core/mailbox/record.ts'
import { mailboxSlot, slotOwnerKey, type SlotKind } from '../../core/mailbox/slots.ts'
import { claimedByOther } from '../../core/mailbox/claim.ts'
import { ENTRY_OVERHEAD_BYTES, sealMailboxEntry } from '../../core/mailbox/entry.ts'
import {
  addEntry, chooseSlot, emptyWriterState, expiredEntries, holdsEntry, markPublished, markTaken, pruneWriterState,
  recordFields, refreshSlot, removeEntries, slotsToPublish, type MailboxWriterState, type SecretKind, type SlotRef, type WriterSlot
} from '../../core/mailbox/writer.ts'
import type { ContactStore, Directory, HistoryStore, OutboxStore, StoredContact, StoredMessage, StoredProfile } from '../../core/ports/index.ts'
import type { ComponentLogger, EventSink, Logger } from '../../diagnostics/index.ts'
import type { Notice } from '../change-bus.ts'
import { withLock } from '../locks.ts'
import type { SessionCrypto } from '../session-crypto.ts'
import { writeSecretOf, writeTarget } from './mailbox-secrets.ts'

/** First-contact slots are claimed (one newcomer each); pair slots are the pair's alone. */
const slotKindOf = (kind: SecretKind): SlotKind => (kind === 'first-contact' ? 'claimed' : 'shared')

/** What goes into a mailbox entry: a chat payload, with its id and when it stops mattering. */
export interface Outgoing {
  id: Uint8Array
  deadline: number
  payload: ChatPayload
  /** The message it carries, to mark stored; receipts have none. */
  messageId?: string
  /** A person's message (1:1 or group): worth a push to the contact when it waits in their mailbox. */
  wakes?: boolean
}

export interface MailboxWritingHost {
  /** A message moved on to "stored": the UI shows it, and how many peers hold it. */
  changed: (message: StoredMessage) => void
  /** Something the person should know, e.g. why a message cannot wait in a mailbox. */
  notice: (notice: Notice) => void
  /** Messages for this contact now wait in their mailbox on at least one peer: time to wake them. */
  mailboxWritten?: (contact: StoredContact) => void
}

export interface MailboxWritingComponents {
  store: ContactStore & HistoryStore & OutboxStore
  crypto: SessionCrypto
  profile: StoredProfile
  network: () => Directory | undefined
  host: MailboxWritingHost
  events: EventSink
  logger: ComponentLogger
  now?: () => number
}

/**
 * The mailbox records we write for our contacts (docs/PROTOCOL.md, "Writing, reading,
 * withdrawing"): entries sealed once and placed in slots, the writer state stored before
 * any PUT (a crash in between only repeats a PUT), records published to the slot's closest
 * DHT nodes, republished, and withdrawn when receipts come. Under the Web Lock
 * `murmur:mailbox:<contact>`, taken inside the outbox's lock when both are held.
 */
export class MailboxWriting {
  private readonly log: Logger
  private readonly now: () => number

  constructor (private readonly components: MailboxWritingComponents) {
    this.log = components.logger.forComponent('murmur:mailbox-writer')
    this.now = components.now ?? Date.now
  }

  /** Whether the contact has a mailbox we can write to (an invitation secret, or a session both ways). */
  canWrite (contact: StoredContact): boolean {
    return writeTarget(this.components.profile, contact) != null
  }

  /** Writes entries to the contact's mailbox: sealed, placed, stored durably, then PUT. */
  async write (contact: StoredContact, outgoing: Outgoing[]): Promise<void> {
    const { profile, crypto, host } = this.components
    const target = writeTarget(profile, contact)
    if (target == null) {
      host.notice({ code: 'no-mailbox', params: { name: contact.name } })
      return
    }
    const network = this.components.network()
    const holders = await this.change(contact, async (start) => {
      let state = start
      for (const item of outgoing) {
        if (holdsEntry(state, item.id) || item.deadline <= this.now()) continue
        const sealed = await crypto.seal(contact, encodeChatPayload(item.payload), async () => network?.findPrekey(contact.publicKey))
        const envelope = encodeEnvelope(profile, { kind: 'sealed', to: contact.publicKey, payload: sealed })
        let ref = chooseSlot(state, target.kind, envelope.length + ENTRY_OVERHEAD_BYTES, this.now())
        // A first-contact slot we have not written yet may be another newcomer's: look first.
        while (target.kind === 'first-contact' && !state.slots.some((s) => s.secretKind === ref.secretKind && s.epoch === ref.epoch && s.index === ref.index) &&
          await this.ownedByAnother(network, target.secret, contact, ref)) {
          state = markTaken(state, ref)
          ref = chooseSlot(state, target.kind, envelope.length + ENTRY_OVERHEAD_BYTES, this.now())
        }
        const slot = mailboxSlot(target.secret, contact.publicKey, ref.epoch, ref.index, slotKindOf(target.kind))
        const payload = sealMailboxEntry(target.secret, slot.key, item.id, envelope)
        state = addEntry(state, ref, { id: item.id, payload, deadline: item.deadline }, this.now())
      }
      return state
    }).catch((err: unknown) => {
      this.log.error('mailbox write for %s failed', contact.userId, err)
      host.notice({ code: 'mailbox-write-failed', params: { error: err } })
      return 0
    })
    // Receipts, notes and group keys wake nobody: only a person's message is worth a notification.
    if (holders > 0 && outgoing.some((item) => item.wakes === true)) host.mailboxWritten?.(contact)
  }

  /**
   * Whether another newcomer's record holds this first-contact slot now. A failed lookup
   * says no: the holders refuse our PUT there anyway if it is taken (src/core/mailbox/claim.ts).
   */
  private async ownedByAnother (network: Directory | undefined, secret: Uint8Array, contact: StoredContact, ref: SlotRef): Promise<boolean> {
    if (network == null) return false
    const { key } = mailboxSlot(secret, contact.publicKey, ref.epoch, ref.index, 'claimed')
    const ours = slotOwnerKey(this.components.profile.secretKey, secret, ref.epoch).publicKey
    const values = await network.getMailbox(key).catch(() => [])
    return claimedByOther(key, values, ours, this.now())
  }

  /** Receipts came: those entries leave the records (tombstones). */
  async withdraw (contact: StoredContact, ids: Uint8Array[]): Promise<void> {
    if (ids.length === 0) return
    await this.change(contact, async (state) => removeEntries(state, ids, this.now()))
  }

  /** The leader's duty: failed messages and receipt entries past their week leave; due records are PUT again. */
  async prune (contact: StoredContact, failed: Uint8Array[]): Promise<void> {
    await this.change(contact, async (state) => {
      const gone = [...failed, ...expiredEntries(state, this.now()).map((e) => e.id)]
      return pruneWriterState(removeEntries(state, gone, this.now()), this.now())
    })
  }

  /**
   * Runs a change of a contact's writer state under its lock, stores the result before any
   * of it leaves, then PUTs every record that is due and records how many peers took it.
   * Returns the most peers any of those PUTs reached (0 when none was due or none took it).
   */
  private async change (contact: StoredContact, change: (state: MailboxWriterState) => Promise<MailboxWriterState>): Promise<number> {
    const { store } = this.components
    return withLock(`murmur:mailbox:${contact.userId}`, async () => {
      let holders = 0
      const loaded = await store.loadMailboxWriter(contact.userId)
      let state = await change(loaded ?? emptyWriterState())
      if (state !== loaded && (loaded != null || state.slots.length > 0)) await store.saveMailboxWriter(contact.userId, state)
      for (const due of slotsToPublish(state, this.now())) {
        state = await this.publish(contact, state, due)
        await store.saveMailboxWriter(contact.userId, state)
        holders = Math.max(holders, state.slots.find((s) => s.secretKind === due.secretKind && s.epoch === due.epoch && s.index === due.index)?.holders ?? 0)
      }
      return holders
    })
  }

  private async publish (contact: StoredContact, state: MailboxWriterState, due: WriterSlot): Promise<MailboxWriterState> {
    const { store, host, events } = this.components
    const network = this.components.network()
    const secret = writeSecretOf(due.secretKind, this.components.profile, contact)
    if (network == null || secret == null) return state
    // A version already out is signed again for its republish (new seq, same entries).
    if (due.published) state = refreshSlot(state, due, this.now())
    const slot = state.slots.find((s) => s.secretKind === due.secretKind && s.epoch === due.epoch && s.index === due.index)!
    const keys = mailboxSlot(secret, contact.publicKey, slot.epoch, slot.index, slotKindOf(slot.secretKind))
    const owner = slot.secretKind === 'first-contact' ? slotOwnerKey(this.components.profile.secretKey, secret, slot.epoch) : undefined
    const record = encodeMailboxRecord(keys.writeKey, recordFields(slot), owner)
    const started = performance.now()
    const markStored = async (holders: number): Promise<void> => {
      for (const entry of slot.entries) {
        const updated = await store.advanceMessage(messageIdToString(entry.id), 'stored', holders)
        if (updated?.direction === 'out') host.changed(updated)
      }
    }
    // "Stored" as soon as the first holder has it: a closest node that vanished can hold the
    // PUT open for seconds, and a tab about to close must know its messages are safe.
    let early: Promise<void> | undefined
    const holders = await network.putMailbox(keys.key, record, (held) => { if (held === 1) early = markStored(held) })
      .catch((err: unknown) => { this.log('mailbox PUT found no holder', err); return 0 })
    await early
    events.emit('mailbox:put', { ms: performance.now() - started, holders, bytes: record.length, entries: slot.entries.length })
    state = markPublished(state, slot, slot.seq, holders)
    if (holders > 0) await markStored(holders)
    return state
  }
}
