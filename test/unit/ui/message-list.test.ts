import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { StoredMessage } from '../../../src/core/ports/index.ts'
import { compareMessages } from '../../../src/core/message-state.ts'
import { upsertMessage } from '../../../src/ui/state/message-list.ts'

const m = (id: string, sentAt: number, state: StoredMessage['state'] = 'pending'): StoredMessage =>
  ({ id, contactId: 'mmbob', direction: 'out', text: id, sentAt, state })

describe('upsertMessage', () => {
  it('replaces a message by id and keeps every other object', () => {
    const list = [m('a', 1), m('b', 2)]
    const next = upsertMessage(list, m('a', 1, 'delivered'))
    expect(next.map((x) => x.state)).toEqual(['delivered', 'pending'])
    expect(next[1]).toBe(list[1])
    expect(list[0]!.state).toBe('pending')
  })

  it('property: inserting in any order gives the sorted list, once per id', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.nat({ max: 5 })), { maxLength: 30 }), (items) => {
      let list: StoredMessage[] = []
      const byId = new Map<string, StoredMessage>()
      for (const [id, sentAt] of items) {
        const message = m(`id${id}`, byId.get(`id${id}`)?.sentAt ?? sentAt)
        byId.set(message.id, message)
        list = upsertMessage(list, message)
      }
      expect(list).toEqual([...byId.values()].sort(compareMessages))
    }))
  })
})
