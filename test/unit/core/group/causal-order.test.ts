import { describe, expect, it } from 'vitest'
import {
  addMessage,
  createGroupMessage,
  emptyHistory,
  getDelivered,
  groupMessageId,
  heads,
  MAX_CLOCK,
  MAX_CLOCK_STEP,
  MAX_PARENTS,
  missingParents,
  nextClock,
  renderOrder,
  type GroupHistory,
  type GroupMessage
} from '../../../../src/core/group/index.ts'
import { expectOrderRefused, ids, message, T0, unknownId } from './support.ts'

/** Adds messages in the given order; returns the last history and everything delivered. */
function addAll (history: GroupHistory, messages: readonly GroupMessage[], now = T0): { history: GroupHistory, delivered: string[] } {
  const delivered: string[] = []
  for (const m of messages) {
    const out = addMessage(history, m, now)
    history = out.history
    delivered.push(...ids(out.delivered))
  }
  return { history, delivered }
}

describe('addMessage delivers', () => {
  it('a first message without parents, then a reply', () => {
    const a = message('alice', 1)
    const b = message('bob', 2, [a.id])
    const one = addMessage(emptyHistory(), a, T0)
    expect(ids(one.delivered)).toEqual([a.id])
    expect(one.missing).toEqual([])
    const two = addMessage(one.history, b, T0)
    expect(ids(two.delivered)).toEqual([b.id])
    expect(ids(renderOrder(two.history))).toEqual([a.id, b.id])
    expect(getDelivered(two.history, b.id)).toBe(b)
  })

  it('holds a message until its parent arrives, reports the parent missing, then delivers both', () => {
    const a = message('alice', 1)
    const b = message('bob', 2, [a.id])
    const held = addMessage(emptyHistory(), b, T0)
    expect(held.delivered).toEqual([])
    expect(held.missing).toEqual([a.id])
    expect([...held.history.held.keys()]).toEqual([b.id])
    expect(missingParents(held.history)).toEqual([a.id])
    expect(renderOrder(held.history)).toEqual([])
    const done = addMessage(held.history, a, T0)
    expect(ids(done.delivered)).toEqual([a.id, b.id])
    expect(done.history.held.size).toBe(0)
    expect(done.history.heldBytes).toBe(0)
    expect(missingParents(done.history)).toEqual([])
  })

  it('unblocks a whole chain transitively when its first message comes last', () => {
    const chain = [message('alice', 1)]
    for (let i = 1; i < 6; i++) chain.push(message(i % 2 === 0 ? 'alice' : 'bob', i + 1, [chain[i - 1]!.id]))
    const { history, delivered } = addAll(emptyHistory(), [...chain].reverse())
    expect(delivered).toEqual(ids(chain))
    expect(ids(renderOrder(history))).toEqual(ids(chain))
  })

  it('reports as missing only parents that are neither delivered nor held', () => {
    const a = message('alice', 1)
    const b = message('bob', 1)
    const c = message('carol', 2, [a.id])
    const d = message('dave', 3, [a.id, b.id, c.id])
    let h = addMessage(emptyHistory(), b, T0).history
    const held = addMessage(h, c, T0)
    expect(held.missing).toEqual([a.id])
    h = held.history
    const out = addMessage(h, d, T0)
    expect(out.missing).toEqual([a.id])
    expect(missingParents(out.history)).toEqual([a.id])
    expect(ids(addMessage(out.history, a, T0).delivered)).toEqual([a.id, c.id, d.id])
  })

  it('ignores duplicates of delivered and of held messages, however late', () => {
    const a = message('alice', 1)
    const b = message('bob', 2, [a.id])
    const c = message('carol', 3, [unknownId(1)])
    let h = addAll(emptyHistory(), [a, b, c]).history
    // Held ones within their age (older ones are pruned, see bounds.test.ts); delivered ones ten years on.
    for (const [m, at] of [[c, T0 + 1], [a, T0 + 3650 * 86_400_000], [b, T0 + 3650 * 86_400_000]] as const) {
      const out = addMessage(h, m, at)
      expect(out.delivered).toEqual([])
      expect(out.missing).toEqual([])
      h = out.history
    }
    expect(ids(renderOrder(h))).toEqual([a.id, b.id])
  })

  it('renders concurrent messages by clock, then id, whatever the arrival order', () => {
    const a = message('alice', 1)
    const siblings = [message('bob', 2, [a.id]), message('carol', 2, [a.id]), message('dave', 3, [a.id])]
    const forward = renderOrder(addAll(emptyHistory(), [a, ...siblings]).history)
    const backward = renderOrder(addAll(emptyHistory(), [...siblings].reverse().concat(a)).history)
    const sameClock = siblings.slice(0, 2).map((m) => m.id).sort()
    expect(ids(forward)).toEqual([a.id, ...sameClock, siblings[2]!.id])
    expect(ids(backward)).toEqual(ids(forward))
  })
})

describe('addMessage refuses, leaving the history as it was', () => {
  const a = message('alice', 1)
  const base = addMessage(emptyHistory(), a, T0).history

  it('a message that names itself as a parent', () => {
    const id = unknownId(7)
    const forged = { id, author: 'mallory', clock: 2, parents: [a.id, id], body: new Uint8Array(1) }
    expectOrderRefused(base, () => addMessage(base, forged, T0), 'self-parent', 'parents')
  })

  it('a message whose id is not its content hash (how a cycle or a second message under one id would be forged)', () => {
    const b = message('bob', 2, [a.id])
    expectOrderRefused(base, () => addMessage(base, { ...b, body: new Uint8Array([1]) }, T0), 'id-mismatch', 'id')
    expectOrderRefused(base, () => addMessage(base, { ...b, clock: 3 }, T0), 'id-mismatch', 'id')
    expectOrderRefused(base, () => addMessage(base, { ...message('bob', 1), id: a.id }, T0), 'id-mismatch', 'id')
  })

  it('duplicate parents', () => {
    expectOrderRefused(base, () => addMessage(base, { ...message('bob', 2, [a.id]), parents: [a.id, a.id] }, T0), 'duplicate-parent', 'parents')
    expect(() => createGroupMessage({ author: 'bob', clock: 2, parents: [a.id, a.id], body: new Uint8Array() })).toThrow(/same earlier message/)
  })

  it(`more than ${MAX_PARENTS} parents`, () => {
    const parents = Array.from({ length: MAX_PARENTS + 1 }, (_, i) => unknownId(i))
    expectOrderRefused(base, () => addMessage(base, { ...message('bob', 2), parents }, T0), 'too-many-parents', 'parents')
    // Exactly MAX_PARENTS is fine (held: none of them is known).
    const ok = addMessage(base, message('bob', 2, parents.slice(1)), T0)
    expect(ok.missing.length).toBe(MAX_PARENTS)
  })

  it('a clock not greater than a delivered parent\'s', () => {
    const b = message('bob', 5, [a.id])
    const h = addMessage(base, b, T0).history
    expectOrderRefused(h, () => addMessage(h, message('carol', 5, [b.id]), T0), 'clock-not-after-parent', 'clock')
    expectOrderRefused(h, () => addMessage(h, message('carol', 2, [b.id, a.id]), T0), 'clock-not-after-parent', 'clock')
    expect(ids(addMessage(h, message('carol', 6, [b.id]), T0).delivered).length).toBe(1)
  })

  it('a clock not greater than a held parent\'s (a cycle through held messages cannot form)', () => {
    const held = message('bob', 10, [unknownId(1)])
    const h = addMessage(base, held, T0).history
    expectOrderRefused(h, () => addMessage(h, message('carol', 10, [held.id]), T0), 'clock-not-after-parent', 'clock')
    expect(addMessage(h, message('carol', 11, [held.id]), T0).history.held.size).toBe(2)
  })

  it(`a clock above MAX_CLOCK (2^40), even with unknown parents`, () => {
    expect(MAX_CLOCK).toBe(2 ** 40)
    expectOrderRefused(base, () => addMessage(base, { ...message('bob', 1), clock: MAX_CLOCK + 1 }, T0), 'clock-too-large', 'clock')
    expectOrderRefused(base, () => addMessage(base, message('bob', MAX_CLOCK + 1, [unknownId(1)]), T0), 'clock-too-large', 'clock')
    expect(addMessage(base, message('bob', MAX_CLOCK, [unknownId(1)]), T0).history.held.size).toBe(1)
  })

  it(`a clock more than MAX_CLOCK_STEP (${MAX_CLOCK_STEP}) above every parent, a first message included`, () => {
    expectOrderRefused(base, () => addMessage(base, message('bob', 1 + MAX_CLOCK_STEP + 1, [a.id]), T0), 'clock-jump', 'clock')
    expectOrderRefused(base, () => addMessage(base, message('bob', MAX_CLOCK_STEP + 1), T0), 'clock-jump', 'clock')
    expect(addMessage(base, message('bob', 1 + MAX_CLOCK_STEP, [a.id]), T0).delivered.length).toBe(1)
    expect(addMessage(base, message('bob', MAX_CLOCK_STEP), T0).delivered.length).toBe(1)
  })

  it('malformed fields, naming the field', () => {
    const b = message('bob', 2, [a.id])
    const cases: Array<[unknown, string]> = [
      [{ ...b, id: 'ABC' }, 'id'],
      [{ ...b, id: b.id.toUpperCase() }, 'id'],
      [{ ...b, author: '' }, 'author'],
      [{ ...b, author: 'x'.repeat(129) }, 'author'],
      [{ ...b, author: '\uD800' }, 'author'],
      [{ ...b, clock: -1 }, 'clock'],
      [{ ...b, clock: 1.5 }, 'clock'],
      [{ ...b, clock: '2' }, 'clock'],
      [{ ...b, parents: 'nope' }, 'parents'],
      [{ ...b, parents: ['12'] }, 'parents'],
      [{ ...b, body: 'text' }, 'body'],
      [{ ...b, body: new Uint8Array(64 * 1024 + 1) }, 'body'],
      [null, 'message']
    ]
    for (const [bad, field] of cases) {
      expectOrderRefused(base, () => addMessage(base, bad as GroupMessage, T0), 'malformed', field)
    }
  })
})

describe('a held message whose parent arrives and contradicts it', () => {
  it('is dropped with everything held that descends from it; the parent is delivered', () => {
    const parent = message('carol', 5)
    const child = message('bob', 4, [parent.id]) // 4 <= 5: can never follow its parent
    const grandchild = message('dave', 6, [child.id, unknownId(1)])
    let h = addAll(emptyHistory(), [child, grandchild]).history
    expect(h.held.size).toBe(2)
    const out = addMessage(h, parent, T0)
    expect(ids(out.delivered)).toEqual([parent.id])
    expect(out.dropped).toEqual([{ id: child.id, reason: 'invalid-clock' }, { id: grandchild.id, reason: 'invalid-clock' }])
    expect(out.history.held.size).toBe(0)
    expect(out.history.heldBytes).toBe(0)
    h = out.history
    // Arriving again afterwards, the bad one is refused outright.
    expectOrderRefused(h, () => addMessage(h, child, T0), 'clock-not-after-parent')
  })

  it('is dropped when its last parent arrives and its clock jumps too far above them all', () => {
    const a = message('alice', 1)
    const b = message('bob', 2)
    const jumper = message('mallory', 2 + MAX_CLOCK_STEP + 1, [a.id, b.id]) // fine against a alone
    let h = addMessage(emptyHistory(), a, T0).history
    h = addMessage(h, jumper, T0).history
    expect(h.held.size).toBe(1)
    const out = addMessage(h, b, T0)
    expect(ids(out.delivered)).toEqual([b.id])
    expect(out.dropped).toEqual([{ id: jumper.id, reason: 'invalid-clock' }])
  })
})

describe('heads and nextClock', () => {
  it('start empty with clock 1, and follow the history', () => {
    expect(heads(emptyHistory())).toEqual([])
    expect(nextClock(emptyHistory())).toBe(1)
    const a = message('alice', 1)
    const b = message('bob', 2, [a.id])
    const c = message('carol', 7, [a.id])
    const h = addAll(emptyHistory(), [a, b, c]).history
    expect(heads(h)).toEqual([b.id, c.id].sort())
    expect(nextClock(h)).toBe(8)
    const d = message('alice', nextClock(h), heads(h))
    const h2 = addMessage(h, d, T0).history
    expect(heads(h2)).toEqual([d.id])
    expect(nextClock(h2)).toBe(9)
  })

  it(`name at most ${MAX_PARENTS}: those with the highest clocks, sorted by id; the rest stay heads`, () => {
    const roots = Array.from({ length: MAX_PARENTS + 4 }, (_, i) => message(`m${i}`, i + 1))
    const h = addAll(emptyHistory(), [...roots].reverse()).history
    const chosen = heads(h)
    expect(chosen).toEqual(ids(roots.slice(4)).sort())
    expect(nextClock(h)).toBe(MAX_PARENTS + 5)
    const merge = message('alice', nextClock(h), chosen)
    const after = addMessage(h, merge, T0).history
    expect(heads(after)).toEqual([merge.id, ...ids(roots.slice(0, 4))].sort())
  })
})

describe('histories are immutable values', () => {
  it('an older version is unchanged by later steps, and can itself be extended', () => {
    const a = message('alice', 1)
    const b = message('bob', 2, [a.id])
    const c = message('carol', 2, [a.id])
    const h1 = addMessage(emptyHistory(), a, T0).history
    const h2 = addMessage(h1, b, T0).history
    const h1c = addMessage(h1, c, T0).history // forks: h2 must not see c, nor h1c see b
    const h2d = addMessage(h2, c, T0).history
    expect(ids(renderOrder(h1))).toEqual([a.id])
    expect(ids(renderOrder(h2))).toEqual([a.id, b.id])
    expect(ids(renderOrder(h1c))).toEqual([a.id, c.id])
    expect(ids(renderOrder(h2d))).toEqual(ids(renderOrder(addAll(emptyHistory(), [a, c, b]).history)))
    expect(getDelivered(h1, b.id)).toBeUndefined()
    expect(getDelivered(h1c, b.id)).toBeUndefined()
    expect(heads(h1)).toEqual([a.id])
    // A duplicate arriving at the old version delivers it again there: it is not in that version.
    expect(ids(addMessage(h1, b, T0).delivered)).toEqual([b.id])
  })

  it('ids are content hashes: the same fields give the same id, any change another', () => {
    const fields = { author: 'alice', clock: 1, parents: [], body: new Uint8Array([1, 2]) }
    expect(groupMessageId(fields)).toBe(groupMessageId({ ...fields, body: new Uint8Array([1, 2]) }))
    expect(groupMessageId(fields)).toMatch(/^[0-9a-f]{64}$/)
    const others = [{ ...fields, author: 'bob' }, { ...fields, clock: 2 }, { ...fields, parents: [unknownId(1)] }, { ...fields, body: new Uint8Array([1]) }]
    expect(new Set([fields, ...others].map(groupMessageId)).size).toBe(5)
  })
})
