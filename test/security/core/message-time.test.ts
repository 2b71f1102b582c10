// Issue 15, item 3: a message whose claimed send time is absurd (above 8.64e15 ms, the end
// of JavaScript's dates) made the conversation view throw for good. The time is now checked
// where a message arrives (claims before 2020, or later than the arrival, are replaced by
// the arrival time), and the views format times with a helper that cannot throw.
// Before the fix: the fuzz and render tests threw RangeError (toISOString), and the inbox
// stored the claimed 9e15.
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { render } from 'svelte/server'
import MessageLog from '../../../src/ui/components/MessageLog.svelte'
import GroupLog from '../../../src/ui/components/groups/GroupLog.svelte'
import { formatMessageTime } from '../../../src/ui/state/message-time.ts'
import { EARLIEST_SENT_AT, sentAtOnArrival } from '../../../src/core/sent-time.ts'
import { encodeChatPayload } from '../../../src/core/chat-payload.ts'
import { newMessageId } from '../../../src/core/message-id.ts'
import { contactOf, englishContext, person, type Person } from './support.ts'

/** Any value a stored record's field can hold after a decode (JSON and bytes), and then some. */
const anyValue = fc.oneof(
  fc.double(), fc.integer(), fc.constantFrom(8.64e15 + 1, -8.64e15 - 1, Number.MAX_SAFE_INTEGER, Number.MAX_VALUE, NaN, Infinity, -Infinity, -0),
  fc.string(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.uint8Array({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 })
)
const anyTime = fc.oneof(fc.double(), fc.integer(), fc.maxSafeInteger(), anyValue)

const storedMessage = fc.record({
  contactId: anyValue, direction: fc.oneof(fc.constantFrom('in', 'out'), anyValue), text: anyValue, sentAt: anyTime,
  state: fc.oneof(fc.constantFrom('pending', 'sent', 'stored', 'delivered', 'read', 'failed'), anyValue), holders: anyValue, retriedAt: anyValue
}, { requiredKeys: ['sentAt'] })
const storedGroupMessage = fc.record({
  groupId: anyValue, author: fc.oneof(fc.string(), anyValue), clock: anyValue, text: anyValue, sentAt: anyTime,
  unreadable: fc.oneof(fc.constantFrom('waiting-key', 'before-join'), anyValue)
}, { requiredKeys: ['sentAt'] })
/** Unique ids: stored rows are keyed by id. */
const withIds = <T>(rows: T[]): Array<T & { id: string }> => rows.map((r, i) => ({ ...r, id: `m${i}` }))

describe('message times', () => {
  it('formatMessageTime never throws and gives a valid datetime or none, for any value', () => {
    fc.assert(fc.property(anyTime, (value) => {
      const shown = formatMessageTime(value)
      expect(typeof shown.label).toBe('string')
      if (shown.datetime != null) expect(new Date(shown.datetime).toISOString()).toBe(shown.datetime)
    }), { numRuns: 2000 })
    expect(formatMessageTime(9e15)).toEqual({ datetime: undefined, label: '' })
    expect(formatMessageTime(Date.UTC(2026, 0, 2, 3, 4)).datetime).toBe('2026-01-02T03:04:00.000Z')
  })

  it('a claimed send time is kept only between 2020 and its arrival', () => {
    const arrived = Date.UTC(2026, 5, 1)
    expect(sentAtOnArrival(arrived - 60_000, arrived)).toBe(arrived - 60_000)
    expect(sentAtOnArrival(EARLIEST_SENT_AT, arrived)).toBe(EARLIEST_SENT_AT)
    for (const absurd of [9e15, 8.64e15 + 1, EARLIEST_SENT_AT - 1, 0, -1, NaN, Infinity, 1.5, arrived + 1, arrived + 3_600_000]) {
      expect(sentAtOnArrival(absurd, arrived)).toBe(arrived)
    }
    fc.assert(fc.property(anyTime, fc.integer({ min: EARLIEST_SENT_AT, max: 4e12 }), (claimed, at) => {
      const stored = sentAtOnArrival(claimed as number, at)
      expect(Number.isSafeInteger(stored)).toBe(true)
      expect(stored).toBeGreaterThanOrEqual(EARLIEST_SENT_AT)
      expect(stored).toBeLessThanOrEqual(at)
    }), { numRuns: 2000 })
  })
})

describe('the conversation views render any stored record', () => {
  it('MessageLog', () => {
    fc.assert(fc.property(fc.array(storedMessage, { maxLength: 6 }), (rows) => {
      const html = render(MessageLog, { context: englishContext(), props: { messages: withIds(rows) as never, onretry: () => {} } }).body
      expect(html).toContain('role="log"')
    }), { numRuns: 400 })
  })

  it('GroupLog', () => {
    fc.assert(fc.property(fc.array(storedGroupMessage, { maxLength: 6 }), (rows) => {
      const html = render(GroupLog, { context: englishContext(), props: { messages: withIds(rows) as never, self: 'mmself', nameOf: (id: string) => `name of ${String(id)}` } }).body
      expect(html).toContain('role="log"')
    }), { numRuns: 400 })
  })

  it('one message claiming 9e15 leaves the rest of the conversation readable', () => {
    const messages = [
      { id: 'a', contactId: 'mmbob', direction: 'in', text: 'before', sentAt: Date.UTC(2026, 0, 1), state: 'delivered' },
      { id: 'b', contactId: 'mmbob', direction: 'in', text: 'absurd', sentAt: 9e15, state: 'delivered' },
      { id: 'c', contactId: 'mmbob', direction: 'out', text: 'after', sentAt: Date.UTC(2026, 0, 2), state: 'read' }
    ]
    const html = render(MessageLog, { context: englishContext(), props: { messages: messages as never, onretry: () => {} } }).body
    for (const text of ['before', 'absurd', 'after']) expect(html).toContain(text)
  })
})

describe('a message that claims an absurd send time', () => {
  let people: Person[] = []
  afterEach(() => { for (const p of people) p.close(); people = [] })

  it('is stored with the time it arrived, so it neither breaks nor reorders the conversation', async () => {
    const arrived = Date.UTC(2026, 5, 1)
    const ann = await person('Ann', () => arrived)
    const bob = await person('Bob', () => arrived)
    people = [ann, bob]
    const bobContact = await contactOf(bob)
    await ann.store.putContact(bobContact)
    const sealed = []
    for (const [text, sentAt] of [['first', arrived - 2000], ['from the far future', 9e15], ['from tomorrow', arrived + 20 * 3_600_000], ['last', arrived - 1000]] as const) {
      sealed.push(await ann.crypto.seal(bobContact, encodeChatPayload({ kind: 'message', id: newMessageId(), sentAt, name: 'Ann', text }), async () => undefined))
    }
    const results = await bob.inbox.receiveAll(ann.profile.publicKey, sealed, arrived)
    expect(results.every((r) => r.ok)).toBe(true)
    const stored = await bob.store.listMessages(ann.userId)
    // Both future claims got the arrival time (ties go by random id), after the honest two.
    expect(stored.map((m) => [m.text, m.sentAt]).slice(0, 2)).toEqual([['first', arrived - 2000], ['last', arrived - 1000]])
    expect(new Map(stored.slice(2).map((m) => [m.text, m.sentAt]))).toEqual(new Map([['from the far future', arrived], ['from tomorrow', arrived]]))
  })
})
