import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Writer } from '../../../../src/core/codec.ts'
import {
  addMessage,
  decodeGroupHistory,
  decodeGroupMessage,
  DEFAULT_HELD_LIMITS,
  emptyHistory,
  encodeGroupHistory,
  encodeGroupMessage,
  MAX_CLOCK,
  MAX_ENCODED_GROUP_MESSAGE_BYTES,
  MAX_PARENTS,
  type GroupHistory,
  type GroupMessage
} from '../../../../src/core/group/index.ts'
import { prefixThenNoise, thrown } from '../support.ts'
import { message, observe, T0, unknownId } from './support.ts'
import { fromHex, toHex } from '../../../support/hex.ts'

/** A message's bytes written field by field, to make ones encodeGroupMessage would refuse to. */
function rawMessage (fields: { version?: number, author?: string, clock?: number, parents?: Uint8Array[], body?: Uint8Array }): Uint8Array {
  const w = new Writer().u8(fields.version ?? 1).string(fields.author ?? 'alice').uvarint(fields.clock ?? 1)
  const parents = fields.parents ?? []
  w.uvarint(parents.length)
  for (const p of parents) w.bytes(p)
  return w.bytes(fields.body ?? new Uint8Array([1])).finish()
}

const parentBytes = (n: number): Uint8Array => fromHex(unknownId(n))

describe('group message codec', () => {
  it('round-trips, recomputing the same id from the content', () => {
    const a = message('alice', 1)
    const b = message('bob', 2, [a.id, unknownId(1)])
    for (const m of [a, b]) expect(decodeGroupMessage(encodeGroupMessage(m))).toEqual(m)
    expect(toHex(rawMessage({}))).toBe(toHex(encodeGroupMessage({ ...message('alice', 1), body: new Uint8Array([1]) })))
  })

  it('refuses bytes that break a field or a rule, naming it', () => {
    const cases: Array<[Uint8Array, string, string]> = [
      [rawMessage({ version: 2 }), 'malformed', 'version'],
      [rawMessage({}).subarray(0, 7), 'malformed', 'clock'],
      [rawMessage({}).subarray(0, 5), 'malformed', 'author'],
      [Uint8Array.of(...rawMessage({}), 0), 'malformed', 'message'],
      [rawMessage({ parents: [parentBytes(1).subarray(1)] }), 'malformed', 'parents'],
      [rawMessage({ parents: Array.from({ length: MAX_PARENTS + 1 }, (_, i) => parentBytes(i)) }), 'too-many-parents', 'parents'],
      [rawMessage({ parents: [parentBytes(1), parentBytes(1)] }), 'duplicate-parent', 'parents'],
      [rawMessage({ clock: MAX_CLOCK + 1 }), 'clock-too-large', 'clock'],
      [rawMessage({ author: '' }), 'malformed', 'author'],
      [new Uint8Array(MAX_ENCODED_GROUP_MESSAGE_BYTES + 1), 'malformed', 'message']
    ]
    for (const [bytes, reason, field] of cases) {
      expect(thrown(() => decodeGroupMessage(bytes)), `${reason} ${field}`).toMatchObject({ name: 'GroupOrderError', reason, field })
    }
  })

  it('throws only GroupOrderError on any mangled bytes', () => {
    const valid = encodeGroupMessage(message('bob', 3, [unknownId(1), unknownId(2)]))
    fc.assert(fc.property(prefixThenNoise(valid), (bytes) => {
      try {
        decodeGroupMessage(bytes)
      } catch (err: any) {
        expect(err.name).toBe('GroupOrderError')
      }
    }), { numRuns: 500 })
  })
})

describe('group history codec', () => {
  function sample (): { history: GroupHistory, messages: GroupMessage[] } {
    const a = message('alice', 1)
    const b = message('bob', 2, [a.id])
    const c = message('carol', 2, [a.id])
    const d = message('dave', 3, [b.id, c.id])
    const heldOne = message('erin', 5, [unknownId(1)])
    const heldTwo = message('frank', 6, [heldOne.id, d.id])
    let history = emptyHistory()
    for (const [m, at] of [[c, T0], [a, T0], [d, T0], [heldOne, T0 + 1], [b, T0 + 2], [heldTwo, T0 + 3]] as const) {
      history = addMessage(history, m, at).history
    }
    return { history, messages: [a, b, c, d, heldOne, heldTwo] }
  }

  it('round-trips delivered and held messages, and re-encodes to the same bytes', () => {
    const { history } = sample()
    const bytes = encodeGroupHistory(history)
    const back = decodeGroupHistory(bytes)
    expect(observe(back)).toEqual(observe(history))
    expect([...back.held.values()].map((h) => h.receivedAt)).toEqual([T0 + 1, T0 + 3])
    expect(toHex(encodeGroupHistory(back))).toBe(toHex(bytes))
    expect(observe(decodeGroupHistory(encodeGroupHistory(emptyHistory())))).toEqual(observe(emptyHistory()))
  })

  it('refuses stored histories that could not have come from addMessage', () => {
    const { messages: [a, b] } = sample()
    const stored = (delivered: GroupMessage[], held: Array<[GroupMessage, number]> = []): Uint8Array => {
      const w = new Writer().u8(1).uvarint(delivered.length)
      for (const m of delivered) w.bytes(encodeGroupMessage(m))
      w.uvarint(held.length)
      for (const [m, at] of held) w.uvarint(at).bytes(encodeGroupMessage(m))
      return w.finish()
    }
    expect(decodeGroupHistory(stored([a!, b!])).held.size).toBe(0)
    expect(thrown(() => decodeGroupHistory(stored([b!, a!])))).toMatchObject({ name: 'DecodeError', field: 'delivered' })
    expect(thrown(() => decodeGroupHistory(stored([a!, a!])))).toMatchObject({ name: 'DecodeError', field: 'delivered' })
    expect(thrown(() => decodeGroupHistory(stored([a!], [[b!, T0]])))).toMatchObject({ name: 'DecodeError', field: 'held' })
    expect(thrown(() => decodeGroupHistory(stored([a!], [[b!, T0]]), { ...DEFAULT_HELD_LIMITS, maxHeld: 0 }))).toMatchObject({ name: 'DecodeError', field: 'held' })
    expect(thrown(() => decodeGroupHistory(Uint8Array.of(2, 0, 0)))).toMatchObject({ name: 'DecodeError', field: 'version' })
    expect(thrown(() => decodeGroupHistory(Uint8Array.of(1, 0, 0, 0)))).toMatchObject({ name: 'DecodeError', field: 'history' })
  })
})
