import { describe, expect, it } from 'vitest'
import {
  BLOCKED_MAX, displayName, isContact, REQUEST_MESSAGES_MAX, REQUESTS_MAX, requestMessagesToDrop, requestsToDrop, withBlocked, withoutBlocked
} from '../../../src/core/requests.ts'
import type { StoredContact, StoredMessage } from '../../../src/core/ports/index.ts'

const person = (userId: string, addedAt: number, request = true): StoredContact =>
  ({ userId, publicKey: new Uint8Array(32), name: userId, relays: [], addedAt, ...(request ? { request: true } : {}) })
const message = (id: string, sentAt: number): StoredMessage =>
  ({ id, contactId: 'c', direction: 'in', text: 'hi', sentAt, state: 'delivered' })

describe('message requests', () => {
  it('a request is not a contact; the local name wins and clearing it falls back', () => {
    expect(isContact(person('a', 1))).toBe(false)
    expect(isContact(person('a', 1, false))).toBe(true)
    expect(isContact(undefined)).toBe(false)
    expect(displayName({ name: 'Offered', localName: 'Mine' })).toBe('Mine')
    expect(displayName({ name: 'Offered' })).toBe('Offered')
  })

  it(`keeps at most ${REQUESTS_MAX} pending requests, dropping the oldest for a new one; contacts never count`, () => {
    const pending = Array.from({ length: REQUESTS_MAX }, (_, i) => person(`r${String(i).padStart(2, '0')}`, 100 + i))
    const contacts = Array.from({ length: 10 }, (_, i) => person(`c${i}`, i, false))
    expect(requestsToDrop([...contacts, ...pending.slice(1)])).toEqual([])
    expect(requestsToDrop([...contacts, ...pending])).toEqual(['r00'])
    // Over the cap already (another tab raced): back to the cap, oldest first, ties by id.
    const tied = [person('zz', 1), person('aa', 1), ...pending]
    expect(requestsToDrop(tied)).toEqual(['aa', 'zz', 'r00'])
    expect(requestsToDrop([], 1)).toEqual([])
  })

  it(`keeps at most ${REQUEST_MESSAGES_MAX} messages per request, dropping the oldest`, () => {
    const messages = Array.from({ length: REQUEST_MESSAGES_MAX + 3 }, (_, i) => message(`m${i}`, i))
    expect(requestMessagesToDrop(messages.slice(0, REQUEST_MESSAGES_MAX))).toEqual([])
    expect(requestMessagesToDrop(messages)).toEqual(['m0', 'm1', 'm2'])
  })

  it(`blocks each person once, at most ${BLOCKED_MAX}, the oldest block falling off; unblocking removes only them`, () => {
    expect(withBlocked(['a', 'b'], 'a')).toEqual(['b', 'a'])
    const full = Array.from({ length: BLOCKED_MAX }, (_, i) => `u${i}`)
    const next = withBlocked(full, 'new')
    expect(next).toHaveLength(BLOCKED_MAX)
    expect(next[0]).toBe('u1')
    expect(next.at(-1)).toBe('new')
    expect(withoutBlocked(['a', 'b'], 'a')).toEqual(['b'])
  })
})
