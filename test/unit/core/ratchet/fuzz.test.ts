import { describe, expect, it } from 'vitest'
import { runFuzz } from './fuzz-engine.ts'

// 100,000 random and mutated messages through ratchetDecrypt on every run of the unit tests;
// scripts/fuzz-ratchet.ts runs the same engine for a million. Most of the time goes to
// AES-GCM header trials (one per header key a state holds), a few to X25519 DH steps.
export const FUZZ_ITERATIONS = 100_000

describe('ratchet message fuzz', () => {
  it(`${FUZZ_ITERATIONS} random and mutated messages: no crash, only DecryptError, the state never changes`, () => {
    // runFuzz throws on the first case that breaks a rule, naming it.
    const report = runFuzz({ iterations: FUZZ_ITERATIONS, seed: 1 })
    expect(report.iterations).toBe(FUZZ_ITERATIONS)
    // Every kind of refusal was reached, and unmutated messages still read.
    for (const reason of ['header', 'auth', 'malformed', 'oversize', 'duplicate']) {
      expect(report.refused[reason], reason).toBeGreaterThan(100)
    }
    expect(report.accepted).toBeGreaterThan(100)
    expect(Object.keys(report.byMutation).length).toBe(9)
  }, 300_000)
})
