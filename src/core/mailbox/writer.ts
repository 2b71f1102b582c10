import { toString } from 'uint8arrays'
import { MAILBOX_MAX_BYTES, MAILBOX_MAX_ENTRIES, type MailboxRecordFields } from './record.ts'
import { republishDue, thinRepublishDue, WANTED_HOLDERS } from './outbox-schedule.ts'
import { slotEpoch, SLOTS_PER_EPOCH } from './slots.ts'

// What a writer keeps about the mailbox records it writes for one contact: the slots it has
// used, and for each the entries it holds there now. Pure: the shell (src/app/mailbox/mailbox-writing.ts)
// derives slot keys, seals entries, stores this state durably and PUTs the records.
//
// Rules that keep every holder's copy consistent with this state:
// - a slot is rewritten whole, with a seq that only grows (at least the current time in ms,
//   so a tab that lost this state still writes a version that wins);
// - slots of an epoch are filled in order, so a reader can stop at the first empty one;
// - a slot stays in the state until its epoch is over and its last version is out, so a
//   new message never reuses a slot under a lower seq than its tombstone.

/**
 * Which secret names the slots: `pair` once the contact knows us (both derive it from the
 * other's identity key), `first-contact` from their invitation secret until then.
 */
export type SecretKind = 'pair' | 'first-contact'

export interface WriterEntry {
  id: Uint8Array
  /** The sealed entry (src/core/mailbox/entry.ts), as holders store it. */
  payload: Uint8Array
  /** When it stops being worth delivering: it is dropped from the slot then. */
  deadline: number
}

export interface WriterSlot {
  secretKind: SecretKind
  epoch: number
  index: number
  seq: number
  createdAt: number
  expiresAt: number
  entries: WriterEntry[]
  /** Whether this version (seq) has been PUT to holders; false until it has. */
  published: boolean
  /** How many holders took this version, as far as the last PUT could tell. */
  holders: number
  /** Republishes in a row made because fewer than WANTED_HOLDERS took the record (see thinRepublishDue). */
  thinRepublishes?: number
}

export interface MailboxWriterState {
  slots: WriterSlot[]
  /**
   * First-contact slots another newcomer owned when we looked (src/core/mailbox/claim.ts):
   * never chosen, so two newcomers of one invite fill different slots of a day.
   */
  taken?: SlotRef[]
}

export interface SlotRef { secretKind: SecretKind, epoch: number, index: number }

/** A tombstone (a slot emptied by receipts) only has to outlive the copies it replaces. */
export const TOMBSTONE_TTL_MS = 2 * 24 * 60 * 60 * 1000
/** Room the record's own fields take besides its entries' payloads: a safe upper bound. */
const RECORD_OVERHEAD_BYTES = 200
const ENTRY_OVERHEAD_BYTES = 24

export class MailboxFullError extends Error {
  override name = 'MailboxFullError'
}

export function emptyWriterState (): MailboxWriterState {
  return { slots: [] }
}

const sameSlot = (a: SlotRef, b: SlotRef): boolean => a.secretKind === b.secretKind && a.epoch === b.epoch && a.index === b.index
const hex = (id: Uint8Array): string => toString(id, 'hex')

function bytesOf (entries: readonly WriterEntry[]): number {
  return entries.reduce((n, e) => n + e.payload.length + ENTRY_OVERHEAD_BYTES, RECORD_OVERHEAD_BYTES)
}

/** Whether an entry with this id is already waiting in some slot. */
export function holdsEntry (state: MailboxWriterState, id: Uint8Array): boolean {
  const wanted = hex(id)
  return state.slots.some((s) => s.entries.some((e) => hex(e.id) === wanted))
}

/**
 * Where an entry of `payloadBytes` goes now: the last slot of this kind in today's epoch if it
 * has room, else the next one. Throws MailboxFullError when today's slots are all full.
 */
export function chooseSlot (state: MailboxWriterState, secretKind: SecretKind, payloadBytes: number, now: number): SlotRef {
  const epoch = slotEpoch(now)
  const today = state.slots.filter((s) => s.secretKind === secretKind && s.epoch === epoch)
  const last = today.reduce<WriterSlot | undefined>((a, s) => (a == null || s.index > a.index ? s : a), undefined)
  const fits = (s: WriterSlot): boolean =>
    s.entries.length < MAILBOX_MAX_ENTRIES && bytesOf(s.entries) + payloadBytes + ENTRY_OVERHEAD_BYTES <= MAILBOX_MAX_BYTES
  if (last != null && fits(last)) return { secretKind, epoch, index: last.index }
  let index = last == null ? 0 : last.index + 1
  while ((state.taken ?? []).some((t) => sameSlot(t, { secretKind, epoch, index }))) index++
  if (index >= SLOTS_PER_EPOCH) throw new MailboxFullError('Today\'s mailbox for this contact is full; the message waits for a direct connection or tomorrow\'s slots.')
  return { secretKind, epoch, index }
}

/** The state with `ref` marked as another writer's, so chooseSlot passes it by. */
export function markTaken (state: MailboxWriterState, ref: SlotRef): MailboxWriterState {
  const taken = state.taken ?? []
  if (taken.some((t) => sameSlot(t, ref))) return state
  return { ...state, taken: [...taken, { secretKind: ref.secretKind, epoch: ref.epoch, index: ref.index }] }
}

function rewrite (slot: WriterSlot, entries: WriterEntry[], now: number): WriterSlot {
  const seq = Math.max(slot.seq + 1, now)
  const expiresAt = entries.length === 0 ? now + TOMBSTONE_TTL_MS : Math.max(...entries.map((e) => e.deadline))
  return { ...slot, seq, createdAt: now, expiresAt, entries, published: false, holders: 0, thinRepublishes: 0 }
}

/** The state with `entry` added to the slot `ref` (created when new). */
export function addEntry (state: MailboxWriterState, ref: SlotRef, entry: WriterEntry, now: number): MailboxWriterState {
  if (entry.deadline <= now) throw new RangeError('an entry past its deadline is not written')
  const existing = state.slots.find((s) => sameSlot(s, ref))
  const base: WriterSlot = existing ?? { ...ref, seq: 0, createdAt: now, expiresAt: now, entries: [], published: false, holders: 0 }
  const slot = rewrite(base, [...base.entries, entry], now)
  return { ...state, slots: existing == null ? [...state.slots, slot] : state.slots.map((s) => (s === existing ? slot : s)) }
}

/**
 * The state after receipts for `ids` (or their failure): each slot that held one is rewritten
 * without it, as a tombstone when nothing is left, so holders drop the copies.
 */
export function removeEntries (state: MailboxWriterState, ids: readonly Uint8Array[], now: number): MailboxWriterState {
  const gone = new Set(ids.map(hex))
  let changed = false
  const slots = state.slots.map((slot) => {
    const kept = slot.entries.filter((e) => !gone.has(hex(e.id)))
    if (kept.length === slot.entries.length) return slot
    changed = true
    return rewrite(slot, kept, now)
  })
  return changed ? { ...state, slots } : state
}

/** Entries whose deadline has passed (the shell marks messages among them failed). */
export function expiredEntries (state: MailboxWriterState, now: number): WriterEntry[] {
  return state.slots.flatMap((s) => s.entries.filter((e) => e.deadline <= now))
}

/**
 * The slots to PUT now: versions not yet out, live records due for their republish, and
 * records too few peers took (thinRepublishDue).
 */
export function slotsToPublish (state: MailboxWriterState, now: number): WriterSlot[] {
  return state.slots.filter((s) => now < s.expiresAt && (!s.published || republishDue(s, now) || thinRepublishDue(s, now)))
}

/** A slot's record as it goes on the wire (src/core/mailbox/record.ts signs it). */
export function recordFields (slot: WriterSlot): MailboxRecordFields {
  return { seq: slot.seq, createdAt: slot.createdAt, expiresAt: slot.expiresAt, entries: slot.entries.map(({ id, payload }) => ({ id, payload })) }
}

/**
 * After a PUT of version `seq` of a slot: records how many holders took it. A republish of
 * a live record signs it again (new seq, same entries); the shell does that through
 * `refreshSlot` before its PUT. A later change wins over a PUT that finished after it.
 */
export function markPublished (state: MailboxWriterState, ref: SlotRef, seq: number, holders: number): MailboxWriterState {
  return {
    ...state,
    slots: state.slots.map((s) => (sameSlot(s, ref) && s.seq === seq ? { ...s, published: holders > 0, holders } : s))
  }
}

/**
 * A live slot signed again for its republish: same entries, new seq and dates. One that
 * too few holders took counts as one more thin republish; one that enough took starts over.
 */
export function refreshSlot (state: MailboxWriterState, ref: SlotRef, now: number): MailboxWriterState {
  return {
    ...state,
    slots: state.slots.map((s) => {
      if (!sameSlot(s, ref)) return s
      const thin = s.published && s.holders < WANTED_HOLDERS ? (s.thinRepublishes ?? 0) + 1 : 0
      return { ...rewrite(s, s.entries, now), thinRepublishes: thin }
    })
  }
}

/**
 * Drops what no longer needs keeping: slots of past epochs whose entries are all gone and
 * whose last version is out (or expired anyway).
 */
export function pruneWriterState (state: MailboxWriterState, now: number): MailboxWriterState {
  const epoch = slotEpoch(now)
  const slots = state.slots.filter((s) => s.epoch >= epoch || s.entries.length > 0 || (!s.published && now < s.expiresAt))
  const taken = state.taken?.filter((t) => t.epoch >= epoch)
  if (slots.length === state.slots.length && taken?.length === state.taken?.length) return state
  return taken === undefined || taken.length === 0 ? { slots } : { slots, taken }
}

/** How many holders took the entry with this id, for the message's "stored" detail. */
export function holdersOf (state: MailboxWriterState, id: Uint8Array): number | undefined {
  const wanted = hex(id)
  const slot = state.slots.find((s) => s.entries.some((e) => hex(e.id) === wanted))
  return slot?.holders
}
