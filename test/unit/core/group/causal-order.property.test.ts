import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  addMessage,
  emptyHistory,
  heads,
  nextClock,
  renderOrder,
  type GroupMessage
} from '../../../../src/core/group/index.ts'
import { ids, T0 } from './support.ts'
import { dagArb } from './dag-arbitrary.ts'


/** The whole DAG, then some messages again, in any order. */
const arrivalArb = dagArb.chain((dag) =>
  fc.tuple(fc.constant(dag), fc.subarray(dag, { maxLength: Math.min(10, dag.length) }))
    .chain(([dag, again]) => fc.tuple(fc.constant(dag), fc.shuffledSubarray([...dag, ...again], { minLength: dag.length + again.length }))))

/** Reference order: Kahn's algorithm, always taking the least (clock, id) message whose parents are all out. */
function kahnOrder (dag: readonly GroupMessage[]): string[] {
  const out: string[] = []
  const done = new Set<string>()
  const rest = [...dag]
  while (rest.length > 0) {
    const ready = rest.filter((m) => m.parents.every((p) => done.has(p)))
    ready.sort((a, b) => a.clock - b.clock || (a.id < b.id ? -1 : 1))
    const next = ready[0]!
    out.push(next.id)
    done.add(next.id)
    rest.splice(rest.indexOf(next), 1)
  }
  return out
}

describe('causal order, for any arrival order', () => {
  it('delivers every message exactly once and ends with the same order, heads and clock', () => {
    fc.assert(fc.property(arrivalArb, ([dag, arrivals]) => {
      let history = emptyHistory()
      const delivered: string[] = []
      for (const m of arrivals) {
        const out = addMessage(history, m, T0)
        history = out.history
        delivered.push(...ids(out.delivered))
        expect(out.dropped).toEqual([])
      }
      expect([...delivered].sort()).toEqual(ids(dag).sort())
      expect(history.held.size).toBe(0)

      const order = ids(renderOrder(history))
      expect(order).toEqual(kahnOrder(dag))
      const inCreationOrder = dag.reduce((h, m) => addMessage(h, m, T0).history, emptyHistory())
      expect(order).toEqual(ids(renderOrder(inCreationOrder)))
      expect(heads(history)).toEqual(heads(inCreationOrder))
      expect(nextClock(history)).toBe(1 + Math.max(...dag.map((m) => m.clock)))

      // Causality: every parent comes before its child.
      const position = new Map(order.map((id, i) => [id, i]))
      for (const m of dag) for (const p of m.parents) expect(position.get(p)!).toBeLessThan(position.get(m.id)!)
    }), { numRuns: 200 })
  })

  it('delivers, in each step, a batch that is itself in render order and after everything before it causally', () => {
    fc.assert(fc.property(arrivalArb, ([, arrivals]) => {
      let history = emptyHistory()
      const seen = new Set<string>()
      for (const m of arrivals) {
        const out = addMessage(history, m, T0)
        history = out.history
        expect(ids(out.delivered)).toEqual(ids([...out.delivered].sort((a, b) => a.clock - b.clock || (a.id < b.id ? -1 : 1))))
        for (const d of out.delivered) {
          for (const p of d.parents) expect(seen.has(p)).toBe(true)
          seen.add(d.id)
        }
      }
    }), { numRuns: 100 })
  })
})
