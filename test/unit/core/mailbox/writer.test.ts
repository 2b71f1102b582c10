import { describe, expect, it } from 'vitest'
import {
  addEntry, chooseSlot, emptyWriterState, expiredEntries, holdsEntry, holdersOf, markPublished, MailboxFullError,
  pruneWriterState, recordFields, refreshSlot, removeEntries, slotsToPublish, TOMBSTONE_TTL_MS, type MailboxWriterState
} from '../../../../src/core/mailbox/writer.ts'
import { MAILBOX_MAX_ENTRIES, MAILBOX_MAX_BYTES, encodeMailboxRecord } from '../../../../src/core/mailbox/record.ts'
import { mailboxSlot, SLOT_EPOCH_MS, SLOTS_PER_EPOCH } from '../../../../src/core/mailbox/slots.ts'
import { REPUBLISH_INTERVAL_MS, THIN_REPUBLISH_MS, THIN_REPUBLISHES_MAX } from '../../../../src/core/mailbox/outbox-schedule.ts'

const NOW = 20_000 * SLOT_EPOCH_MS + 5_000
const DAY = 24 * 60 * 60 * 1000
const id = (n: number): Uint8Array => new Uint8Array(16).fill(n)
const entry = (n: number, bytes = 100, deadline = NOW + 21 * DAY) => ({ id: id(n), payload: new Uint8Array(bytes).fill(n), deadline })

function fill (state: MailboxWriterState, count: number, bytes = 100): MailboxWriterState {
  for (let n = 0; n < count; n++) state = addEntry(state, chooseSlot(state, 'pair', bytes, NOW), entry(n % 250, bytes), NOW)
  return state
}

describe('mailbox writer state', () => {
  it('fills today\'s slots in order, moving on when a record is full by count or by bytes', () => {
    let state = fill(emptyWriterState(), MAILBOX_MAX_ENTRIES + 1)
    expect(state.slots.map((s) => [s.index, s.entries.length])).toEqual([[0, MAILBOX_MAX_ENTRIES], [1, 1]])
    state = fill(emptyWriterState(), 3, 30_000)
    expect(state.slots.map((s) => [s.index, s.entries.length])).toEqual([[0, 2], [1, 1]])
    // Every record the state describes is one holders accept.
    for (const slot of state.slots) {
      const keys = mailboxSlot(new Uint8Array(32), new Uint8Array(32).fill(9), slot.epoch, slot.index)
      expect(encodeMailboxRecord(keys.writeKey, recordFields(slot)).length).toBeLessThanOrEqual(MAILBOX_MAX_BYTES)
    }
  })

  it('keeps the two secret kinds in separate slots and refuses once the day\'s slots are full', () => {
    let state = addEntry(emptyWriterState(), chooseSlot(emptyWriterState(), 'first-contact', 10, NOW), entry(1), NOW)
    expect(chooseSlot(state, 'pair', 10, NOW)).toEqual({ secretKind: 'pair', epoch: 20_000, index: 0 })
    state = fill(emptyWriterState(), MAILBOX_MAX_ENTRIES * SLOTS_PER_EPOCH, 10)
    expect(() => chooseSlot(state, 'pair', 10, NOW)).toThrow(MailboxFullError)
    // Tomorrow starts again at slot 0.
    expect(chooseSlot(state, 'pair', 10, NOW + SLOT_EPOCH_MS)).toMatchObject({ index: 0, epoch: 20_001 })
  })

  it('every rewrite has a higher seq, at least the time, and is not published until marked', () => {
    let state = fill(emptyWriterState(), 1)
    const first = state.slots[0]!
    expect(first.seq).toBeGreaterThanOrEqual(NOW)
    expect(first.published).toBe(false)
    expect(slotsToPublish(state, NOW)).toHaveLength(1)
    state = markPublished(state, first, first.seq, 4)
    expect(slotsToPublish(state, NOW)).toHaveLength(0)
    expect(holdersOf(state, id(0))).toBe(4)
    // A PUT that finishes after a newer change does not mark the newer version published.
    const next = addEntry(state, chooseSlot(state, 'pair', 100, NOW), entry(1), NOW)
    expect(next.slots[0]!.seq).toBeGreaterThan(first.seq)
    expect(markPublished(next, first, first.seq, 4).slots[0]!.published).toBe(false)
    // A live record is republished a day later, signed again.
    expect(slotsToPublish(state, NOW + REPUBLISH_INTERVAL_MS).map((s) => s.index)).toEqual([0])
    expect(refreshSlot(state, first, NOW + REPUBLISH_INTERVAL_MS).slots[0]!.seq).toBe(NOW + REPUBLISH_INTERVAL_MS)
  })

  it('a record too few peers took is put again after 30 s, then after twice as long each time, five times at most', () => {
    let state = fill(emptyWriterState(), 1)
    const ref = state.slots[0]!
    state = markPublished(state, ref, ref.seq, 1) // the relay alone
    let at = NOW
    for (let n = 0; n < THIN_REPUBLISHES_MAX; n++) {
      const wait = THIN_REPUBLISH_MS * 2 ** n
      expect(slotsToPublish(state, at + wait - 1)).toEqual([])
      at += wait
      expect(slotsToPublish(state, at).map((s) => s.index)).toEqual([0])
      state = refreshSlot(state, ref, at)
      expect(state.slots[0]!.thinRepublishes).toBe(n + 1)
      state = markPublished(state, ref, state.slots[0]!.seq, 2)
    }
    // Then only the daily republish.
    expect(slotsToPublish(state, at + 10 * THIN_REPUBLISH_MS * 2 ** THIN_REPUBLISHES_MAX)).toEqual([])
    expect(slotsToPublish(state, at + REPUBLISH_INTERVAL_MS)).toHaveLength(1)
    // Enough holders once: nothing until the daily republish, and the count starts over.
    const enough = markPublished(refreshSlot(state, ref, at + 1), ref, at + 1, 3)
    expect(enough.slots[0]!.thinRepublishes).toBe(THIN_REPUBLISHES_MAX + 1)
    expect(slotsToPublish(enough, at + 1 + THIN_REPUBLISH_MS)).toEqual([])
    expect(refreshSlot(enough, ref, at + 2).slots[0]!.thinRepublishes).toBe(0)
    // A new message rewrites the slot: its count starts over too.
    expect(addEntry(state, ref, entry(9), at + 3).slots[0]!.thinRepublishes).toBe(0)
  })

  it('receipts empty a slot into a tombstone that outlives the copies, then past epochs are pruned', () => {
    let state = fill(emptyWriterState(), 2)
    state = markPublished(state, state.slots[0]!, state.slots[0]!.seq, 2)
    state = removeEntries(state, [id(0)], NOW + 1)
    expect(state.slots[0]!.entries.map((e) => e.id[0])).toEqual([1])
    expect(holdsEntry(state, id(0))).toBe(false)
    expect(removeEntries(state, [id(42)], NOW + 2)).toBe(state)
    state = removeEntries(state, [id(1)], NOW + 2)
    const tomb = state.slots[0]!
    expect(tomb.entries).toEqual([])
    expect(tomb.expiresAt).toBe(NOW + 2 + TOMBSTONE_TTL_MS)
    expect(slotsToPublish(state, NOW + 2)).toHaveLength(1)
    // Kept while its epoch lasts (a new message must not reuse the slot under a lower seq)...
    expect(pruneWriterState(state, NOW + 3).slots).toHaveLength(1)
    const published = markPublished(state, tomb, tomb.seq, 3)
    expect(pruneWriterState(published, NOW + 3).slots).toHaveLength(1)
    // ...and dropped once the epoch is over and the tombstone is out.
    expect(pruneWriterState(published, NOW + SLOT_EPOCH_MS).slots).toHaveLength(0)
  })

  it('reports entries past their deadline and refuses to write one', () => {
    let state = addEntry(emptyWriterState(), chooseSlot(emptyWriterState(), 'pair', 10, NOW), entry(1, 10, NOW + 10), NOW)
    state = addEntry(state, chooseSlot(state, 'pair', 10, NOW), entry(2, 10, NOW + 1000), NOW)
    expect(expiredEntries(state, NOW + 10).map((e) => e.id[0])).toEqual([1])
    expect(state.slots[0]!.expiresAt).toBe(NOW + 1000)
    expect(() => addEntry(state, chooseSlot(state, 'pair', 10, NOW), entry(3, 10, NOW), NOW)).toThrow(RangeError)
  })
})
