import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MAX_SKIP, ratchetDecrypt } from '../../../../src/core/ratchet/index.ts'
import { canSend, newParties, receive, send, type Party } from './conversation.ts'
import { AD, expectRefused, T0 } from './support.ts'

// Properties of the Double Ratchet under a network that loses, repeats and reorders
// messages (Double Ratchet section 2.6 and 3.5), within the bounds of limits.ts.

type Side = 'alice' | 'bob'
const other = (s: Side): Side => (s === 'alice' ? 'bob' : 'alice')

type Action =
  | { kind: 'send', from: Side }
  | { kind: 'deliver', to: Side, pick: number, keep: boolean }
  | { kind: 'drop', to: Side, pick: number }

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('send' as const), from: fc.constantFrom<Side>('alice', 'bob') }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('deliver' as const), to: fc.constantFrom<Side>('alice', 'bob'), pick: fc.nat(), keep: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), to: fc.constantFrom<Side>('alice', 'bob'), pick: fc.nat() }) }
)

interface InFlight { id: number, text: string, bytes: Uint8Array }

/** Plays `actions`, then delivers what is still in flight in `finalOrder`, checking every read. */
function play (seed: number, actions: Action[], finalOrder: number[]): { read: number, refused: number } {
  const parties = newParties(seed)
  const inFlight: Record<Side, InFlight[]> = { alice: [], bob: [] }
  const sent: Record<Side, InFlight[]> = { alice: [], bob: [] } // everything ever sent to a side
  const readIds: Record<Side, Set<number>> = { alice: new Set(), bob: new Set() }
  let nextId = 0
  let refused = 0

  const deliver = (to: Side, message: InFlight): void => {
    const party: Party = parties[to]
    if (readIds[to].has(message.id)) {
      expectRefused(party.state, () => ratchetDecrypt(party.state, message.bytes, AD, T0), 'duplicate')
      refused++
      return
    }
    expect(receive(party, message.bytes)).toBe(message.text)
    readIds[to].add(message.id)
  }

  for (const a of actions) {
    if (a.kind === 'send') {
      if (!canSend(parties[a.from])) continue // the responder waits for a first message
      const id = nextId++
      const message = { id, text: `${a.from} #${id}`, bytes: send(parties[a.from], `${a.from} #${id}`) }
      inFlight[other(a.from)].push(message)
      sent[other(a.from)].push(message)
    } else if (inFlight[a.to].length > 0) {
      const at = a.pick % inFlight[a.to].length
      const message = inFlight[a.to][at]!
      if (a.kind === 'drop' || !a.keep) inFlight[a.to].splice(at, 1)
      if (a.kind === 'deliver') deliver(a.to, message)
    }
  }
  // Whatever is left arrives at the end in a shuffled order, and then everything sent
  // arrives once more: each must now be refused as a duplicate.
  for (const to of ['alice', 'bob'] as const) {
    const rest = inFlight[to]
    const order = rest.map((m, i) => ({ m, k: finalOrder[i % Math.max(1, finalOrder.length)]! + i })).sort((x, y) => x.k - y.k)
    for (const { m } of order) deliver(to, m)
    for (const m of sent[to]) if (readIds[to].has(m.id)) deliver(to, m)
  }
  return { read: readIds.alice.size + readIds.bob.size, refused }
}

// X25519 in plain JS costs milliseconds per DH step, and the unit project runs beside
// others on a shared 2-core machine: these tests get room beyond the 5 s default.
const SLOW = 120_000

describe('ratchet properties', { timeout: SLOW }, () => {
  it('any interleaving with loss, duplication and reordering reads every delivered message exactly once', () => {
    let totalRead = 0
    let totalRefused = 0
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 1 << 20 }),
      fc.array(action, { minLength: 10, maxLength: 80, size: 'max' }),
      fc.array(fc.nat({ max: 100 }), { maxLength: 20 }),
      (seed, actions, finalOrder) => {
        const { read, refused } = play(seed, actions, finalOrder)
        totalRead += read
        totalRefused += refused
      }
    ), { numRuns: 50 })
    // The runs must exercise something: on average a dozen reads and as many refused copies.
    expect(totalRead).toBeGreaterThan(50 * 8)
    expect(totalRefused).toBeGreaterThanOrEqual(totalRead)
  })

  it('a long conversation in both directions with heavy reordering still reads everything once', () => {
    // A fixed, larger case so that a regression shows even if the random runs are lucky.
    const actions = Array.from({ length: 120 }, (_, i) =>
      i % 3 === 2
        ? { kind: 'deliver' as const, to: (i % 2 === 0 ? 'alice' : 'bob') as Side, pick: i * 7, keep: i % 5 === 0 }
        : { kind: 'send' as const, from: (i % 4 < 2 ? 'alice' : 'bob') as Side })
    const { read, refused } = play(99, actions, [5, 3, 9, 1])
    expect(read).toBeGreaterThan(70)
    expect(refused).toBeGreaterThan(read)
  })

  it('a gap of exactly MAX_SKIP decrypts and MAX_SKIP + 1 is refused, leaving the state as it was', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 1 << 20 }),
      fc.array(fc.constantFrom<Side>('alice', 'bob'), { maxLength: 6, size: 'max' }),
      fc.constantFrom<Side>('alice', 'bob'),
      fc.array(fc.nat({ max: MAX_SKIP - 1 }), { minLength: 1, maxLength: 10 }),
      (seed, speakers, sender, sample) => {
        const parties = newParties(seed)
        // A conversation so far, every message read in order.
        for (const from of speakers) if (canSend(parties[from])) receive(parties[other(from)], send(parties[from], 'so far'))
        const from = canSend(parties[sender]) ? sender : 'alice'
        const to = parties[other(from)]
        const batch = Array.from({ length: MAX_SKIP + 2 }, (_, i) => send(parties[from], `m${i}`))
        expectRefused(to.state, () => ratchetDecrypt(to.state, batch[MAX_SKIP + 1]!, AD, T0), 'too-many-skipped')
        expect(receive(to, batch[MAX_SKIP]!)).toBe(`m${MAX_SKIP}`)
        expect(receive(to, batch[MAX_SKIP + 1]!)).toBe(`m${MAX_SKIP + 1}`)
        for (const i of new Set(sample)) expect(receive(to, batch[i]!)).toBe(`m${i}`)
      }
    ), { numRuns: 6 })
  })

  it('flipping any single byte of a message is refused with the state unchanged, and the original still reads', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 1 << 20 }),
      fc.array(fc.constantFrom<Side>('alice', 'bob'), { maxLength: 5, size: 'max' }),
      fc.uint8Array({ maxLength: 300 }),
      fc.nat(),
      fc.integer({ min: 1, max: 255 }),
      (seed, speakers, plaintext, where, xor) => {
        const parties = newParties(seed)
        for (const from of speakers) if (canSend(parties[from])) receive(parties[other(from)], send(parties[from], 'so far'))
        const from = speakers.length > 0 && canSend(parties.bob) && speakers.at(-1) === 'bob' ? 'bob' : 'alice'
        const to = parties[other(from)]
        const message = send(parties[from], plaintext)
        const at = where % message.length
        const flipped = message.slice()
        flipped[at]! ^= xor
        expectRefused(to.state, () => ratchetDecrypt(to.state, flipped, AD, T0), expectedReason(message, at))
        const out = ratchetDecrypt(to.state, message, AD, T0)
        expect(out.plaintext).toEqual(plaintext)
      }
    ), { numRuns: 150 })
  })

  it('every single-byte flip of a first message and of a mid-chain message is refused, by region', () => {
    for (const midChain of [false, true]) {
      const { alice, bob } = newParties(11)
      if (midChain) receive(bob, send(alice, 'first'))
      const message = send(alice, 'a message of some length, to flip byte by byte')
      for (let at = 0; at < message.length; at++) {
        const flipped = message.slice()
        flipped[at]! ^= 0x80
        expectRefused(bob.state, () => ratchetDecrypt(bob.state, flipped, AD, T0), expectedReason(message, at))
      }
      expect(receive(bob, message)).toMatch(/^a message/)
    }
  })
})

/** version and length bytes: malformed; encrypted header: header; ciphertext and tag: auth. */
function expectedReason (message: Uint8Array, at: number): string {
  const bodyStart = 2 + 69 + (message.length - 72 >= 128 ? 2 : 1)
  if (at >= 2 && at < 71) return 'header'
  if (at >= bodyStart) return 'auth'
  return 'malformed'
}
