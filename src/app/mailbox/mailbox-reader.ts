import { equals, toString } from 'uint8arrays'
import { decodeEnvelope } from '../../core/envelope.ts'
import { encodeUserId } from '../../core/user-id.ts'
import { drainSlot } from '../../core/mailbox/drain.ts'
import { openMailboxEntry } from '../../core/mailbox/entry.ts'
import { MAILBOX_RETENTION_MS } from '../../core/mailbox/record.ts'
import { mailboxSlot, slotEpoch, SLOTS_PER_EPOCH } from '../../core/mailbox/slots.ts'
import { readSources, type ReadSource } from './mailbox-secrets.ts'
import { liveInviteSecrets } from '../invites.ts'
import type { ContactStore, Directory, HistoryStore, SealedEnvelope, SettingStore, StoredProfile } from '../../core/ports/index.ts'
import type { ComponentLogger, EventSink, Logger } from '../../diagnostics/index.ts'

const DRAINED_EPOCH = 'mailbox:drained-epoch'
/** Slot lookups in flight at once while draining: DHT queries are cheap but not free. */
const PARALLEL_SOURCES = 4
const MAX_OPEN_ATTEMPTS = 3
/**
 * Slots looked up ahead of the one being read: a few while the epoch may well be empty (most
 * mailboxes are, most of the time), more once slot 0 held something, as a busy mailbox
 * fills slot after slot: their lookups then overlap instead of queueing behind each other.
 */
const SLOT_LOOKAHEAD = 3
const BUSY_SLOT_LOOKAHEAD = 6

export interface MailboxReaderHost {
  /**
   * Sealed payloads from one sender, in writing order, to decrypt, store in one transaction
   * and acknowledge; per payload whether it opened. Throws, storing nothing, when the commit fails.
   */
  receive: (from: Uint8Array, payloads: Uint8Array[]) => Promise<Array<{ ok: boolean }>>
  /** A message we already have came again: its sender missed our receipt, so send it again. */
  acknowledge: (contactId: string, id: Uint8Array) => void
}

/** One slot's DHT lookup: the first version heard, and (later) every holder's. */
interface SlotLookup {
  key: Uint8Array
  /**
   * The first version a remote holder gave, or, when none did, the whole
   * lookup's answer (`whole`: an empty one means the slot is empty). Undefined: it failed.
   */
  first: Promise<{ values: Uint8Array[], whole: boolean } | undefined>
  /** Every version the lookup found; undefined when it failed. */
  all: Promise<Uint8Array[] | undefined>
}

function lookUpSlot (network: Directory, key: Uint8Array): SlotLookup {
  type First = Awaited<SlotLookup['first']>
  let settleFirst: (first: First) => void = () => {}
  const first = new Promise<First>((resolve) => { settleFirst = resolve })
  const all = network.getMailbox(key, (value) => { settleFirst({ values: [value], whole: false }) })
    .then((values) => values, () => undefined)
  // A promise settles once: after an early version, this changes nothing.
  void all.then((values) => { settleFirst(values == null ? undefined : { values, whole: true }) })
  return { key, first, all }
}

export interface MailboxReaderComponents {
  store: ContactStore & HistoryStore & SettingStore
  profile: StoredProfile
  /** The network half, once it is loaded. */
  network: () => Directory | undefined
  host: MailboxReaderHost
  events: EventSink
  logger: ComponentLogger
}

export interface DrainReport {
  slots: number
  entries: number
  received: number
  /** False when some lookup failed: those slots are read again on the next drain. */
  complete: boolean
}

/**
 * Reads this profile's mailboxes: for every contact whose slots we can name, and for our own
 * first-contact slots, each epoch since the last complete drain (at most the retention
 * period back), slot after slot until an empty one. Every holder's version is merged, each
 * entry opened and handed on once; the caller deduplicates by message id.
 */
export class MailboxReader {
  /**
   * Entries handled in this tab's life (a receipts entry cannot be opened twice, so it is
   * skipped after once), and how often one failed to open: it is tried again on the next
   * drains (its session start may come later), then left alone.
   */
  private readonly handled = new Set<string>()
  private readonly failures = new Map<string, number>()
  private running: Promise<DrainReport> | undefined
  private readonly store: MailboxReaderComponents['store']
  private readonly profile: StoredProfile
  private readonly network: MailboxReaderComponents['network']
  private readonly host: MailboxReaderHost
  private readonly events: EventSink
  private readonly log: Logger

  constructor (components: MailboxReaderComponents, private readonly now: () => number = Date.now) {
    ({ store: this.store, profile: this.profile, network: this.network, host: this.host, events: this.events } = components)
    this.log = components.logger.forComponent('murmur:mailbox-reader')
  }

  /** One drain at a time; a call while one runs waits for it (its caller hears how it went) and starts another. */
  async drain (): Promise<DrainReport> {
    while (this.running != null) await Promise.allSettled([this.running])
    this.running = this.drainNow().finally(() => { this.running = undefined })
    return this.running
  }

  private async drainNow (): Promise<DrainReport> {
    const started = performance.now()
    const report = await this.readAll()
    this.events.emit('mailbox:drained', { ...report, ms: performance.now() - started })
    if (!report.complete) this.log('a drain could not read every slot; it reads them again next time')
    return report
  }

  private async readAll (): Promise<DrainReport> {
    const network = this.network()
    const report: DrainReport = { slots: 0, entries: 0, received: 0, complete: false }
    if (network == null) return report
    const now = this.now()
    const current = slotEpoch(now)
    const last = await this.store.loadSetting<number>(DRAINED_EPOCH)
    // The epoch before the last drained one too: a writer may have filled it late that day.
    const first = Math.max(slotEpoch(now - MAILBOX_RETENTION_MS), last != null ? last - 1 : slotEpoch(this.profile.createdAt))
    const queue = readSources(this.profile, await liveInviteSecrets(this.store, now), await this.store.listContacts())
    let complete = true
    const drainSource = async (source: ReadSource): Promise<void> => {
      for (let epoch = first; epoch <= current; epoch++) {
        if (!await this.drainEpoch(network, source, epoch, report)) complete = false
      }
    }
    // First-contact slots first: they hold the session starts that later entries build on.
    const firstContact = queue.filter((s) => s.contactId == null)
    for (const source of firstContact) await drainSource(source)
    const pairs = queue.filter((s) => s.contactId != null)
    const worker = async (): Promise<void> => {
      for (let source = pairs.shift(); source != null; source = pairs.shift()) await drainSource(source)
    }
    await Promise.all(Array.from({ length: PARALLEL_SOURCES }, worker))
    if (complete) await this.store.saveSetting(DRAINED_EPOCH, current)
    report.complete = complete
    return report
  }

  /**
   * Reads one epoch of one source; false when a lookup failed, so the epoch is read again.
   * Each slot is read twice: first the version of the first holder to answer (a returning
   * tab sees its messages without waiting for the slowest holder, which for a tab that has
   * just started means new WebRTC connections), then, once the epoch's first pass is done,
   * every holder's version merged: whatever the first one lacked. Entries are handled once.
   */
  private async drainEpoch (network: Directory, source: ReadSource, epoch: number, report: DrainReport): Promise<boolean> {
    const self = this.profile.publicKey
    // Slots are filled in order, so the first empty one ends the epoch. Lookups run a few
    // slots ahead of the one being read: a busy mailbox is not one DHT query at a time.
    const lookups = new Map<number, SlotLookup>()
    const lookup = (index: number): void => {
      if (index >= SLOTS_PER_EPOCH || lookups.has(index)) return
      lookups.set(index, lookUpSlot(network, mailboxSlot(source.secret, self, epoch, index, source.contactId == null ? 'claimed' : 'shared').key))
    }
    const rest: SlotLookup[] = []
    let complete = true
    for (let index = 0; index < SLOTS_PER_EPOCH; index++) {
      const lookahead = index === 0 ? SLOT_LOOKAHEAD : BUSY_SLOT_LOOKAHEAD
      for (let ahead = index; ahead < index + lookahead; ahead++) lookup(ahead)
      const waitStart = performance.now()
      const slot = lookups.get(index)!
      const first = await slot.first
      if (first == null) { complete = false; break }
      // Empty only when the whole lookup found nothing: first waits for the end then.
      if (first.values.length === 0) break
      report.slots++
      const receiveStart = performance.now()
      const received = report.received
      await this.receiveSlot(source, slot.key, first.values, report)
      // Where a drain's time goes (npm run bench:mailbox reads these).
      this.events.emit('mailbox:slot', { index, waitedMs: receiveStart - waitStart, receiveMs: performance.now() - receiveStart, received: report.received - received })
      if (!first.whole) rest.push(slot)
    }
    for (const slot of rest) {
      const values = await slot.all
      if (values == null) complete = false
      else await this.receiveSlot(source, slot.key, values, report)
    }
    return complete
  }

  /**
   * Opens a slot's new entries and hands them on, one batch per sender in writing order: a
   * slot's messages are decrypted in order and committed in one transaction, so a crash
   * keeps all of them or none, and the next drain reads again what was not kept.
   */
  private async receiveSlot (source: ReadSource, key: Uint8Array, values: Uint8Array[], report: DrainReport): Promise<void> {
    const self = this.profile.publicKey
    const opened: Array<{ tag: string, id: Uint8Array, from: string, envelope: SealedEnvelope }> = []
    for (const entry of drainSlot(key, values, this.now())) {
      const tag = `${toString(key, 'base64')}/${toString(entry.id, 'hex')}`
      if (this.handled.has(tag) || (this.failures.get(tag) ?? 0) >= MAX_OPEN_ATTEMPTS) continue
      report.entries++
      const bytes = openMailboxEntry(source.secret, key, entry.id, entry.payload)
      if (bytes == null) continue
      let envelope
      try {
        envelope = decodeEnvelope(bytes, { self })
      } catch {
        continue
      }
      if (envelope.kind !== 'sealed') continue
      const from = encodeUserId(envelope.from)
      // A pair slot holds only what that contact wrote; first-contact slots anyone's.
      if (source.contactId != null && from !== source.contactId) continue
      if (equals(envelope.from, self)) continue
      opened.push({ tag, id: entry.id, from, envelope })
    }
    // Which of them we have already: asked together, not one read after another.
    const known = await Promise.all(opened.map(async ({ id }) => this.store.hasMessage(toString(id, 'hex'))))
    const batches = new Map<string, { from: Uint8Array, tags: string[], payloads: SealedEnvelope['payload'][] }>()
    for (const [i, { tag, id, from, envelope }] of opened.entries()) {
      if (known[i] === true) {
        this.handled.add(tag)
        this.host.acknowledge(from, id)
        continue
      }
      const batch = batches.get(from) ?? { from: envelope.from, tags: [], payloads: [] }
      batches.set(from, batch)
      batch.tags.push(tag)
      batch.payloads.push(envelope.payload)
    }
    for (const batch of batches.values()) {
      let results: Array<{ ok: boolean }>
      try {
        results = await this.host.receive(batch.from, batch.payloads)
      } catch (err) {
        // Nothing of the batch was stored: the next drain reads it again.
        this.log.error('storing a mailbox batch failed', err)
        results = batch.payloads.map(() => ({ ok: false }))
      }
      for (const [i, tag] of batch.tags.entries()) {
        if (results[i]?.ok === true) {
          this.handled.add(tag)
          report.received++
        } else {
          this.failures.set(tag, (this.failures.get(tag) ?? 0) + 1)
        }
      }
    }
  }
}
