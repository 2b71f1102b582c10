import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { StoredGroupMessage, StoredMessage } from '../../../src/core/ports/index.ts'
import {
  applyItem, byActivity, directItem, EMPTY_SUMMARY, groupItem, markAllRead, shownItems, summarize, totalUnread
} from '../../../src/core/conversation-summary.ts'

const dm = (id: string, sentAt: number, over: Partial<StoredMessage> = {}): StoredMessage =>
  ({ id, contactId: 'mmben', direction: 'in', text: `text ${id}`, sentAt, state: 'delivered', ...over })

const gm = (id: string, clock: number, author: string, over: Partial<StoredGroupMessage> = {}): StoredGroupMessage =>
  ({ id, groupId: 'g', author, clock, encoded: new Uint8Array(), text: `text ${id}`, sentAt: 1000 + clock, ...over })

describe('one-to-one summaries', () => {
  it('count incoming messages not yet read, and preview the newest', () => {
    const s = summarize(shownItems([dm('a', 1), dm('b', 3), dm('c', 2, { state: 'read' }), dm('d', 4, { direction: 'out', state: 'sent' })], directItem))
    expect([...s.unread].sort()).toEqual(['a', 'b'])
    expect(s.last?.id).toBe('d')
    expect(s.last?.mine).toBe(true)
    expect(s.last?.at).toBe(4)
  })

  it('leave out group control riding the session', () => {
    expect(directItem(dm('x', 9, { control: new Uint8Array([1]), text: '' }))).toBeUndefined()
    expect(summarize(shownItems([dm('x', 9, { control: new Uint8Array([1]) })], directItem))).toEqual(EMPTY_SUMMARY)
  })

  it('move on per message: arrival adds, read removes, an older message never replaces the newest', () => {
    let s = summarize(shownItems([dm('a', 5)], directItem))
    s = applyItem(s, directItem(dm('b', 7))!)
    expect(s.unread.size).toBe(2)
    s = applyItem(s, directItem(dm('a', 5, { state: 'read' }))!)
    expect([...s.unread]).toEqual(['b'])
    s = applyItem(s, directItem(dm('old', 1))!)
    expect(s.last?.id).toBe('b')
    expect(s.unread.size).toBe(2)
  })

  it('return the same object when nothing changed', () => {
    const s = summarize(shownItems([dm('a', 5, { state: 'read' })], directItem))
    expect(applyItem(s, directItem(dm('a', 5, { state: 'read' }))!)).toStrictEqual(s)
    expect(markAllRead(s)).toBe(s)
  })

  it('property: applied one by one in any order, the summary is the one built from the final history', () => {
    const update = fc.record({ id: fc.integer({ min: 0, max: 8 }), sentAt: fc.integer({ min: 0, max: 50 }), read: fc.boolean(), out: fc.boolean() })
    fc.assert(fc.property(fc.array(update, { maxLength: 40 }), (updates) => {
      const final = new Map<string, StoredMessage>()
      let s = EMPTY_SUMMARY
      for (const u of updates) {
        const id = `m${u.id}`
        const known = final.get(id)
        // An id keeps its time and direction; only its state moves on.
        const message = dm(id, known?.sentAt ?? u.sentAt, {
          direction: known?.direction ?? (u.out ? 'out' : 'in'), state: u.read ? 'read' : 'delivered'
        })
        final.set(id, message)
        s = applyItem(s, directItem(message)!)
      }
      const rebuilt = summarize(shownItems([...final.values()], directItem))
      expect([...s.unread].sort()).toEqual([...rebuilt.unread].sort())
      expect(s.last?.id).toBe(rebuilt.last?.id)
    }))
  })
})

describe('group summaries', () => {
  it('count others\' messages after the read mark, never our own', () => {
    const rows = [gm('a', 1, 'ann'), gm('b', 2, 'me'), gm('c', 3, 'ben'), gm('d', 4, 'cat')]
    expect(summarize(shownItems(rows, (m) => groupItem(m, 'me', undefined))).unread.size).toBe(3)
    const s = summarize(shownItems(rows, (m) => groupItem(m, 'me', [3, 'c'])))
    expect([...s.unread]).toEqual(['d'])
    expect(s.last?.id).toBe('d')
  })

  it('order by clock then id, and show an unreadable message without text', () => {
    const s = summarize(shownItems([gm('b', 5, 'ben'), gm('a', 5, 'ben', { text: undefined, unreadable: 'waiting-key' })], (m) => groupItem(m, 'me', undefined)))
    expect(s.last?.id).toBe('b')
    expect(groupItem(gm('z', 6, 'ben', { text: undefined, unreadable: 'waiting-key' }), 'me', undefined)?.text).toBeUndefined()
  })

  it('leave out what was sent before we joined', () => {
    expect(groupItem(gm('a', 1, 'ben', { unreadable: 'before-join', text: undefined }), 'me', undefined)).toBeUndefined()
  })

  it('markAllRead empties the unread set and keeps the newest message', () => {
    const s = summarize(shownItems([gm('a', 1, 'ben')], (m) => groupItem(m, 'me', undefined)))
    const read = markAllRead(s)
    expect(read.unread.size).toBe(0)
    expect(read.last).toBe(s.last)
  })
})

describe('the list', () => {
  it('sorts by latest activity, newest first, then by name', () => {
    const entries = [{ n: 'Cat', at: 5 }, { n: 'Ann', at: 9 }, { n: 'Ben', at: 5 }, { n: 'Dan', at: 0 }]
    expect(byActivity(entries, (e) => e.at, (e) => e.n).map((e) => e.n)).toEqual(['Ann', 'Ben', 'Cat', 'Dan'])
    expect(entries[0]!.n).toBe('Cat')
  })

  it('totals unread over every conversation', () => {
    const one = summarize(shownItems([dm('a', 1), dm('b', 2)], directItem))
    const two = summarize(shownItems([gm('c', 1, 'ben')], (m) => groupItem(m, 'me', undefined)))
    expect(totalUnread([one, two, EMPTY_SUMMARY])).toBe(3)
  })
})
