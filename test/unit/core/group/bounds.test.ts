import { describe, expect, it } from 'vitest'
import {
  addMessage,
  createGroupMessage,
  DEFAULT_HELD_LIMITS,
  emptyHistory,
  HELD_MAX_AGE_MS,
  MAX_HELD,
  missingParents,
  pruneHeld,
  renderOrder,
  type DroppedMessage,
  type GroupHistory,
  type GroupMessage
} from '../../../../src/core/group/index.ts'
import { ids, message, T0, unknownId } from './support.ts'

// Parents that never arrive must not grow memory without bound nor hold anything forever.

/** `count` messages, each waiting for its own parent that never comes. */
const orphans = (count: number): GroupMessage[] => Array.from({ length: count }, (_, i) => message(`o${i}`, 2, [unknownId(i)]))

function holdAll (messages: readonly GroupMessage[], limits = DEFAULT_HELD_LIMITS, at = (i: number) => T0 + i): { history: GroupHistory, dropped: DroppedMessage[] } {
  let history = emptyHistory()
  const dropped: DroppedMessage[] = []
  messages.forEach((m, i) => {
    const out = addMessage(history, m, at(i), limits)
    history = out.history
    dropped.push(...out.dropped)
  })
  return { history, dropped }
}

describe('held messages', () => {
  it(`are at most MAX_HELD (${MAX_HELD}); the oldest go first and are reported`, () => {
    const all = orphans(MAX_HELD + 2)
    const { history, dropped } = holdAll(all)
    expect(history.held.size).toBe(MAX_HELD)
    expect(dropped).toEqual([{ id: all[0]!.id, reason: 'held-limit' }, { id: all[1]!.id, reason: 'held-limit' }])
    expect([...history.held.keys()]).toEqual(ids(all.slice(2)))
    expect(missingParents(history).length).toBe(MAX_HELD)
  })

  it('are at most maxHeldBytes (configurable), counted as they come and go', () => {
    const all = orphans(10)
    const one = holdAll(all.slice(0, 1)).history.heldBytes
    expect(one).toBeGreaterThan(0)
    const limits = { ...DEFAULT_HELD_LIMITS, maxHeldBytes: one * 3 + 1 }
    const { history, dropped } = holdAll(all, limits)
    expect(history.held.size).toBe(3)
    expect(history.heldBytes).toBe(one * 3)
    expect(dropped.map((d) => d.reason)).toEqual(Array(7).fill('held-bytes'))
    expect([...history.held.keys()]).toEqual(ids(all.slice(7)))
  })

  it(`are dropped by pruneHeld ${HELD_MAX_AGE_MS / 86_400_000} days after they arrived, not before`, () => {
    const all = orphans(3)
    const { history } = holdAll(all, DEFAULT_HELD_LIMITS, (i) => T0 + i * 1000)
    const early = pruneHeld(history, T0 + HELD_MAX_AGE_MS - 1)
    expect(early.history).toBe(history)
    expect(early.dropped).toEqual([])
    const pruned = pruneHeld(history, T0 + 1000 + HELD_MAX_AGE_MS)
    expect(pruned.dropped).toEqual([{ id: all[0]!.id, reason: 'expired' }, { id: all[1]!.id, reason: 'expired' }])
    expect([...pruned.history.held.keys()]).toEqual([all[2]!.id])
    expect(pruned.history.heldBytes).toBe(history.heldBytes / 3)
    expect(history.held.size).toBe(3) // the input is untouched
  })

  it('are pruned by addMessage too, and a clock that went back expires nothing', () => {
    const [old] = orphans(1)
    const h = addMessage(emptyHistory(), old!, T0).history
    expect(pruneHeld(h, T0 - 10 * HELD_MAX_AGE_MS).history.held.size).toBe(1)
    const out = addMessage(h, message('alice', 1), T0 + HELD_MAX_AGE_MS)
    expect(out.dropped).toEqual([{ id: old!.id, reason: 'expired' }])
    expect(out.history.held.size).toBe(0)
  })

  it('a message too large to hold on its own is dropped at once, and its parents are not asked for', () => {
    const [small] = orphans(1)
    const limits = { ...DEFAULT_HELD_LIMITS, maxHeldBytes: holdAll([small!]).history.heldBytes }
    const large = createGroupMessage({ author: 'big', clock: 2, parents: [unknownId(9)], body: new Uint8Array(1000) })
    const h = addMessage(emptyHistory(), small!, T0, limits).history
    expect(h.held.size).toBe(1) // exactly at the limit is fine
    const out = addMessage(h, large, T0, limits)
    expect(out.missing).toEqual([])
    expect(out.dropped).toEqual([{ id: small!.id, reason: 'held-bytes' }, { id: large.id, reason: 'held-bytes' }])
    expect(out.history.held.size).toBe(0)
    expect(out.history.heldBytes).toBe(0)
  })

  it('once dropped, can be fetched again and are delivered when their parents come', () => {
    const a = message('alice', 1)
    const b = message('bob', 2, [a.id])
    const limits = { ...DEFAULT_HELD_LIMITS, maxHeld: 1 }
    let h = addMessage(emptyHistory(), b, T0, limits).history
    h = addMessage(h, message('carol', 2, [unknownId(1)]), T0, limits).history
    expect(h.held.has(b.id)).toBe(false)
    expect(addMessage(h, a, T0, limits).delivered).toEqual([a]) // b is gone: nothing else delivered
    h = addMessage(h, a, T0, limits).history
    expect(ids(addMessage(h, b, T0, limits).delivered)).toEqual([b.id])
    expect(ids(renderOrder(addMessage(h, b, T0, limits).history))).toEqual([a.id, b.id])
  })
})
