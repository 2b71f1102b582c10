import { describe, expect, it } from 'vitest'
import {
  MAX_SKIP,
  MAX_STORED_SKIPPED,
  pruneSkippedKeys,
  ratchetDecrypt,
  SKIPPED_KEY_MAX_AGE_MS,
  SKIPPED_KEY_MAX_DH_STEPS
} from '../../../../src/core/ratchet/index.ts'
import { newParties, receive, roundTrip, send, type Party } from './conversation.ts'
import { AD, expectRefused, T0 } from './support.ts'

const sendMany = (from: Party, count: number, label: string): Uint8Array[] =>
  Array.from({ length: count }, (_, i) => send(from, `${label}${i}`))

const copy = (party: Party): Party => ({ ...party })

// Thousands of messages and fifty DH steps: room beyond the 5 s default on a loaded machine.
const SLOW = { timeout: 120_000 }

// Double Ratchet sections 3.1 and 3.5: a receiver derives and stores at most MAX_SKIP keys for the
// messages a later one skips over.
describe('MAX_SKIP', SLOW, () => {
  it('a first message after exactly MAX_SKIP missing ones decrypts; one more is refused', () => {
    const { alice, bob } = newParties()
    const messages = sendMany(alice, MAX_SKIP + 2, 'm')
    expectRefused(bob.state, () => ratchetDecrypt(bob.state, messages[MAX_SKIP + 1]!, AD, T0), 'too-many-skipped')
    expect(receive(bob, messages[MAX_SKIP]!)).toBe(`m${MAX_SKIP}`)
    expect(bob.state.skippedKeys.length).toBe(MAX_SKIP)
    // Every skipped one is still readable, once.
    for (let i = 0; i <= MAX_SKIP + 1; i++) {
      if (i !== MAX_SKIP) expect(receive(bob, messages[i]!)).toBe(`m${i}`)
    }
    expect(bob.state.skippedKeys.length).toBe(0)
  })

  it('holds within a chain already being read', () => {
    const { alice, bob } = newParties()
    receive(bob, send(alice, 'start'))
    const messages = sendMany(alice, MAX_SKIP + 2, 'm')
    expectRefused(bob.state, () => ratchetDecrypt(bob.state, messages[MAX_SKIP + 1]!, AD, T0), 'too-many-skipped')
    expect(receive(bob, messages[MAX_SKIP]!)).toBe(`m${MAX_SKIP}`)
  })

  it('holds for the end of the previous chain (PN) when a new ratchet key arrives', () => {
    for (const missing of [MAX_SKIP, MAX_SKIP + 1]) {
      const { alice, bob } = newParties()
      receive(bob, send(alice, 'start'))
      sendMany(alice, missing, 'lost') // never delivered
      receive(alice, send(bob, 'reply'))
      const next = send(alice, 'new chain') // PN = missing + 1, Bob has read 1
      if (missing === MAX_SKIP) expect(receive(bob, next)).toBe('new chain')
      else expectRefused(bob.state, () => ratchetDecrypt(bob.state, next, AD, T0), 'too-many-skipped')
    }
  })
})

describe('stored skipped keys', SLOW, () => {
  it(`keep at most ${MAX_STORED_SKIPPED}, dropping the oldest first`, () => {
    const { alice, bob } = newParties()
    const first = sendMany(alice, MAX_SKIP + 1, 'one') // Bob reads only the last
    receive(bob, first[MAX_SKIP]!)
    receive(alice, send(bob, 'reply'))
    const second = sendMany(alice, MAX_SKIP + 1, 'two')
    receive(bob, second[MAX_SKIP]!)
    expect(bob.state.skippedKeys.length).toBe(MAX_STORED_SKIPPED)
    receive(alice, send(bob, 'reply 2'))
    const third = sendMany(alice, 2, 'three')
    receive(bob, third[1]!)
    expect(bob.state.skippedKeys.length).toBe(MAX_STORED_SKIPPED)
    // The oldest (one0) is gone, the next oldest and the newest remain.
    expectRefused(bob.state, () => ratchetDecrypt(bob.state, first[0]!, AD, T0), 'duplicate')
    expect(receive(bob, first[1]!)).toBe('one1')
    expect(receive(bob, third[0]!)).toBe('three0')
  })

  it(`are dropped ${SKIPPED_KEY_MAX_AGE_MS / 86_400_000} days after they were stored`, () => {
    const { alice, bob } = newParties()
    const late = send(alice, 'late')
    receive(bob, send(alice, 'on time'))
    const stored = bob.state.skippedKeys[0]!.storedAt
    const justInTime = ratchetDecrypt(bob.state, late, AD, stored + SKIPPED_KEY_MAX_AGE_MS - 1)
    expect(new TextDecoder().decode(justInTime.plaintext)).toBe('late')
    expectRefused(bob.state, () => ratchetDecrypt(bob.state, late, AD, stored + SKIPPED_KEY_MAX_AGE_MS), 'duplicate')
    // Any later read drops them from the state it returns.
    const after = ratchetDecrypt(bob.state, send(alice, 'later'), AD, stored + SKIPPED_KEY_MAX_AGE_MS)
    expect(after.state.skippedKeys).toEqual([])
    expect(pruneSkippedKeys(bob.state, stored + SKIPPED_KEY_MAX_AGE_MS).skippedKeys).toEqual([])
    expect(pruneSkippedKeys(bob.state, stored - 1)).toBe(bob.state) // a clock gone back ages nothing
  })

  it(`are dropped after ${SKIPPED_KEY_MAX_DH_STEPS} DH ratchet steps`, () => {
    const { alice, bob } = newParties()
    const late = send(alice, 'late')
    receive(bob, send(alice, 'on time'))
    const storedAtStep = bob.state.skippedKeys[0]!.dhStep
    while (bob.state.dhSteps < storedAtStep + SKIPPED_KEY_MAX_DH_STEPS - 1) roundTrip(bob, alice)
    const lastChance = copy(bob)
    expect(receive(lastChance, late)).toBe('late')
    roundTrip(bob, alice)
    expect(bob.state.dhSteps).toBe(storedAtStep + SKIPPED_KEY_MAX_DH_STEPS)
    expect(bob.state.skippedKeys).toEqual([])
    expectRefused(bob.state, () => ratchetDecrypt(bob.state, late, AD, T0), 'duplicate')
    // Retired header keys go the same way, one step later, so a state holds at most 50.
    expect(bob.state.retiredHeaderKeys.length).toBeLessThanOrEqual(SKIPPED_KEY_MAX_DH_STEPS)
    roundTrip(bob, alice)
    expect(bob.state.retiredHeaderKeys.length).toBe(SKIPPED_KEY_MAX_DH_STEPS)
    expectRefused(bob.state, () => ratchetDecrypt(bob.state, late, AD, T0), 'header')
  })
})
