import {
  ratchetDecrypt,
  ratchetEncrypt,
  type RatchetState
} from '../../../../src/core/ratchet/index.ts'
import { AD, newSession, seededRandom, T0 } from './session.ts'

// A two-party harness for tests: each side holds its current state and its own random
// source, and the helpers move states forward the way the shell would (load, step, save).

export interface Party {
  state: RatchetState
  random: (n: number) => Uint8Array
  now: number
}

export function newParties (seed = 1): { alice: Party, bob: Party } {
  const { alice, bob } = newSession(seed)
  return {
    alice: { state: alice, random: seededRandom(seed + 3000), now: T0 },
    bob: { state: bob, random: seededRandom(seed + 4000), now: T0 }
  }
}

export const canSend = (party: Party): boolean => party.state.sendChainKey !== undefined

export function send (from: Party, plaintext: Uint8Array | string): Uint8Array {
  const bytes = typeof plaintext === 'string' ? new TextEncoder().encode(plaintext) : plaintext
  const out = ratchetEncrypt(from.state, bytes, AD, from.random)
  from.state = out.state
  return out.message
}

export function receive (to: Party, message: Uint8Array): string {
  const out = ratchetDecrypt(to.state, message, AD, to.now, to.random)
  to.state = out.state
  return new TextDecoder().decode(out.plaintext)
}

/** One message each way, delivered at once: `first` sends, `second` reads and replies, `first` reads. */
export function roundTrip (first: Party, second: Party, label = 'x'): void {
  receive(second, send(first, `${label}→`))
  receive(first, send(second, `${label}←`))
}
