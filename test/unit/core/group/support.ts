import { expect } from 'vitest'
import { utf8 } from '../../../../src/core/codec.ts'
import {
  createGroupMessage,
  heads,
  missingParents,
  renderOrder,
  type GroupHistory,
  type GroupMessage
} from '../../../../src/core/group/index.ts'

export const T0 = 1_700_000_000_000

let counter = 0
/** A real message (its id is its content hash); the body is unique so two calls never collide. */
export function message (author: string, clock: number, parents: readonly string[] = []): GroupMessage {
  return createGroupMessage({ author, clock, parents, body: utf8(`${author}/${clock}/${counter++}`) })
}

/** An id no message has (a hash of nothing we ever send). */
export const unknownId = (n: number): string => 'e' + n.toString(16).padStart(63, '0')

export const ids = (messages: readonly GroupMessage[]): string[] => messages.map((m) => m.id)

/** Everything a caller can observe of a history. */
export function observe (history: GroupHistory): unknown {
  return {
    render: ids(renderOrder(history)),
    heads: heads(history),
    held: [...history.held.keys()],
    heldBytes: history.heldBytes,
    missing: missingParents(history)
  }
}

/** Runs `fn`, which must throw a GroupOrderError with `reason`, and checks `history` looks the same after. */
export function expectOrderRefused (history: GroupHistory, fn: () => unknown, reason: string, field?: string): void {
  const before = observe(history)
  let err: any
  try {
    fn()
  } catch (e) {
    err = e
  }
  expect(err, 'expected a GroupOrderError').toBeDefined()
  expect(err.name).toBe('GroupOrderError')
  expect(err.reason).toBe(reason)
  if (field !== undefined) expect(err.field).toBe(field)
  expect(observe(history)).toEqual(before)
}
