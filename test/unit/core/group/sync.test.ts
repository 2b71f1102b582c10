import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  addMessage, decodeSyncRequest, emptyHistory, encodeSyncRequest, messagesAfter, renderOrder, syncHeads,
  MAX_SYNC_HEADS, type GroupHistory, type GroupMessage
} from '../../../../src/core/group/index.ts'
import { dagArb } from './dag-arbitrary.ts'
import { ids, message, T0 } from './support.ts'

const historyOf = (messages: readonly GroupMessage[]): GroupHistory => {
  let h = emptyHistory()
  for (const m of messages) h = addMessage(h, m, T0).history
  return h
}

/** The messages of `dag` that are ancestors-or-self of the first `n` sent: a history some member could hold. */
function prefixClosed (dag: readonly GroupMessage[], n: number): GroupMessage[] {
  const byId = new Map(dag.map((m) => [m.id, m]))
  const keep = new Set<string>()
  const stack = dag.slice(0, n).map((m) => m.id)
  while (stack.length > 0) {
    const id = stack.pop()!
    if (keep.has(id)) continue
    keep.add(id)
    stack.push(...byId.get(id)!.parents)
  }
  return dag.filter((m) => keep.has(m.id))
}

describe('group sync', () => {
  it('brings a member who has any part of the history to exactly the full one', () => {
    fc.assert(fc.property(dagArb.chain((dag) => fc.tuple(fc.constant(dag), fc.nat({ max: dag.length }))), ([dag, n]) => {
      const full = historyOf(dag)
      const behind = historyOf(prefixClosed(dag, n))
      const answer = messagesAfter(full, syncHeads(behind))
      let caughtUp = behind
      for (const m of answer) {
        const out = addMessage(caughtUp, m, T0)
        // Oldest first in render order: each message's parents are in by the time it arrives.
        expect(out.missing).toEqual([])
        caughtUp = out.history
      }
      expect(ids(renderOrder(caughtUp))).toEqual(ids(renderOrder(full)))
      // Nothing they had is sent again.
      const had = new Set(ids(renderOrder(behind)))
      expect(answer.some((m) => had.has(m.id))).toBe(false)
    }), { numRuns: 200 })
  })

  it('skips heads it does not know and honours the limit', () => {
    const a = message('a', 1)
    const b = message('b', 2, [a.id])
    const c = message('c', 3, [b.id])
    const full = historyOf([a, b, c])
    expect(ids(messagesAfter(full, ['f'.repeat(64)]))).toEqual(ids([a, b, c]))
    expect(ids(messagesAfter(full, [b.id]))).toEqual([c.id])
    expect(ids(messagesAfter(full, [], 2))).toEqual([a.id, b.id])
  })

  it('names at most MAX_SYNC_HEADS heads, the latest ones', () => {
    const roots = Array.from({ length: MAX_SYNC_HEADS + 5 }, (_, i) => message(`m${i}`, 1 + i))
    const heads = syncHeads(historyOf(roots))
    expect(heads).toHaveLength(MAX_SYNC_HEADS)
    expect(heads).toEqual(ids(roots.slice(5)))
  })

  it('reads back a request and refuses malformed ones', () => {
    const req = { groupId: 'ab'.repeat(16), heads: [message('a', 1).id] }
    expect(decodeSyncRequest(encodeSyncRequest(req))).toEqual(req)
    const bytes = encodeSyncRequest(req)
    expect(() => decodeSyncRequest(bytes.subarray(0, bytes.length - 1))).toThrow(/malformed/)
    expect(() => decodeSyncRequest(Uint8Array.of(...bytes, 0))).toThrow(/malformed/)
    expect(() => encodeSyncRequest({ groupId: 'xyz', heads: [] })).toThrow()
  })
})
