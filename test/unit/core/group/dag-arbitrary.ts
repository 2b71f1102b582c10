import fc from 'fast-check'
import { utf8 } from '../../../../src/core/codec.ts'
import { createGroupMessage, type GroupMessage } from '../../../../src/core/group/index.ts'

// Realistic histories: several authors, each with its own view of the group. An author either
// sends (parents = the heads of its view, clock = 1 + the highest clock in it) or catches up
// with another author's view. Heads and clocks are computed here, independently of the code
// under test, from the views alone.

type Step = { author: number, kind: 'send' | 'sync', from: number }

const stepArb = (authors: number): fc.Arbitrary<Step> => fc.record({
  author: fc.nat({ max: authors - 1 }),
  kind: fc.constantFrom<Step['kind']>('send', 'send', 'sync'),
  from: fc.nat({ max: authors - 1 })
})

export function buildDag (authors: number, steps: readonly Step[]): GroupMessage[] {
  const byId = new Map<string, GroupMessage>()
  const views: Array<Set<string>> = Array.from({ length: authors }, () => new Set())
  const all: GroupMessage[] = []
  for (const step of steps) {
    const view = views[step.author]!
    if (step.kind === 'sync') {
      for (const id of views[step.from]!) view.add(id)
      continue
    }
    const named = new Set([...view].flatMap((id) => byId.get(id)!.parents))
    const viewHeads = [...view].filter((id) => !named.has(id)).sort()
    const clock = 1 + Math.max(0, ...[...view].map((id) => byId.get(id)!.clock))
    const m = createGroupMessage({ author: `a${step.author}`, clock, parents: viewHeads, body: utf8(`${step.author}:${all.length}`) })
    byId.set(m.id, m)
    view.add(m.id)
    all.push(m)
  }
  return all
}

export const dagArb = fc.integer({ min: 1, max: 5 })
  .chain((authors) => fc.array(stepArb(authors), { minLength: 1, maxLength: 40 }).map((steps) => buildDag(authors, steps)))
  .filter((dag) => dag.length > 0)

