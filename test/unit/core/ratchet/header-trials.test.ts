import { describe, expect, it, vi } from 'vitest'
import * as header from '../../../../src/core/ratchet/header.ts'
import { newParties, receive, send } from './conversation.ts'

// Each failed header trial costs an AES-GCM key setup (about 50 us in Chromium with noble):
// what a message costs must not grow with the number of retired header keys it does not need.
vi.mock('../../../../src/core/ratchet/header.ts', async (importOriginal) => {
  const original = await importOriginal<typeof header>()
  return { ...original, decryptHeader: vi.fn(original.decryptHeader) }
})

describe('header trials', () => {
  it('a message starting a new chain opens with two header trials however many chains are retired; a late one still reads', () => {
    const { alice, bob } = newParties(21)
    const late = send(alice, 'late')
    for (let i = 0; i < 12; i++) {
      receive(bob, send(alice, `a${i}`))
      receive(alice, send(bob, `b${i}`))
    }
    expect(bob.state.retiredHeaderKeys.length).toBeGreaterThanOrEqual(10)
    const trials = vi.mocked(header.decryptHeader)
    const next = send(alice, 'new chain')
    trials.mockClear()
    expect(receive(bob, next)).toBe('new chain')
    expect(trials).toHaveBeenCalledTimes(2) // the current receiving header key, then the next one
    trials.mockClear()
    expect(receive(bob, late)).toBe('late')
    expect(trials.mock.calls.length).toBeGreaterThan(2)
  })
})
