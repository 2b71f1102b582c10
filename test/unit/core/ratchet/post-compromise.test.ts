import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ratchetDecrypt, type RatchetState } from '../../../../src/core/ratchet/index.ts'
import { canSend, newParties, receive, send, type Party } from './conversation.ts'
import { AD, seededRandom, T0 } from './support.ts'

// Post-compromise security (Double Ratchet sections 2.1 "break-in recovery" and 6.2): an attacker
// who copied Bob's whole state, and who sees and replays every message Alice sends him,
// loses track once Bob has made a ratchet key pair after the copy and Alice has used it.
// The copy is run exactly as Bob's own code would run it, on its own random source.

type Attacker = { state: RatchetState }

/** Feeds a message to the copy; true when the copy read it. */
function copyReads (attacker: Attacker, message: Uint8Array): boolean {
  try {
    attacker.state = ratchetDecrypt(attacker.state, message, AD, T0, seededRandom(666)).state
    return true
  } catch (err) {
    expect((err as Error).name).toBe('DecryptError')
    return false
  }
}

function conversation (seed: number, speakers: Array<'alice' | 'bob'>, lost: boolean[]): { alice: Party, bob: Party } {
  const parties = newParties(seed)
  speakers.forEach((from, i) => {
    if (!canSend(parties[from])) return
    const message = send(parties[from], `so far ${i}`)
    if (lost[i] !== true) receive(parties[from === 'alice' ? 'bob' : 'alice'], message)
  })
  return parties
}

describe('post-compromise security', { timeout: 120_000 }, () => {
  it('property: from any point, after Bob and Alice each reply with a fresh ratchet key, a copy of Bob reads nothing Alice sends', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 1 << 20 }),
      fc.array(fc.constantFrom<'alice' | 'bob'>('alice', 'bob'), { maxLength: 12, size: 'max' }),
      fc.array(fc.boolean(), { maxLength: 12 }),
      (seed, speakers, lost) => {
        const { alice, bob } = conversation(seed, speakers, lost)
        const fed: Attacker = { state: bob.state }
        const unfed: Attacker = { state: bob.state }

        // The copy is a working state: it reads what Alice sends next.
        const next = send(alice, 'readable by the copy')
        expect(copyReads(fed, next)).toBe(true)
        receive(bob, next)

        // Healing. Bob's key at the copy may be one Alice has not answered yet, so Bob first
        // makes Alice answer it; Alice's answer makes Bob generate a key the copy never saw,
        // Bob replies with it, and Alice replies to that.
        receive(alice, send(bob, 'reply 0'))
        const toBob = send(alice, 'answer')
        copyReads(fed, toBob)
        receive(bob, toBob)
        receive(alice, send(bob, 'reply with a fresh key'))
        for (let i = 0; i < 3; i++) {
          const secret = send(alice, `after healing ${i}`)
          expect(copyReads(fed, secret)).toBe(false)
          expect(copyReads(unfed, secret)).toBe(false)
          expect(receive(bob, secret)).toBe(`after healing ${i}`)
        }
      }
    ), { numRuns: 25 })
  })

  it('a copy taken before Bob reads a new ratchet key loses Alice after Bob replies and Alice replies', () => {
    const { alice, bob } = conversation(7, ['alice', 'bob', 'alice', 'bob'], [])
    const incoming = send(alice, 'carries a ratchet key Bob has not seen')
    const fed: Attacker = { state: bob.state }
    expect(copyReads(fed, incoming)).toBe(true)
    receive(bob, incoming)
    receive(alice, send(bob, 'Bob replies'))
    const secret = send(alice, 'Alice replies')
    expect(copyReads(fed, secret)).toBe(false)
    expect(receive(bob, secret)).toBe('Alice replies')
  })

  it('the boundary: a copy taken after Bob made his new key still reads Alice until one more round trip', () => {
    // Bob's ratchet key pair is made when he reads Alice's new key, not when he replies; a
    // copy taken in between holds it. This pins where recovery starts, so a change that
    // moved it (either way) shows up here.
    const { alice, bob } = conversation(7, ['alice', 'bob', 'alice', 'bob', 'alice'], [])
    const fed: Attacker = { state: bob.state }
    receive(alice, send(bob, 'Bob replies'))
    const stillReadable = send(alice, 'Alice replies')
    expect(copyReads(fed, stillReadable)).toBe(true)
    receive(bob, stillReadable)
    receive(alice, send(bob, 'Bob replies with a key made after the copy'))
    const secret = send(alice, 'Alice replies again')
    expect(copyReads(fed, secret)).toBe(false)
    expect(receive(bob, secret)).toBe('Alice replies again')
  })
})
