import { describe, expect, it } from 'vitest'
import { retryStart, type StartupStatus } from '../../../src/app/retry-start.ts'

describe('retrying the network start', () => {
  it('tries again after each failure with the drawn backoff, and reports where it stands', async () => {
    const statuses: StartupStatus[] = []
    const waits: number[] = []
    let tries = 0
    const result = await retryStart({
      attempt: async () => { if (++tries < 4) throw new Error('Failed to fetch'); return 'network' },
      onStatus: (s) => { statuses.push(s) },
      signal: new AbortController().signal,
      now: () => 1_000,
      random: () => 0.5,
      wait: async (ms) => { waits.push(ms) }
    })
    expect(result).toBe('network')
    expect(waits).toEqual([250, 500, 1000])
    expect(statuses.map((s) => s.phase)).toEqual(['starting', 'waiting', 'starting', 'waiting', 'starting', 'waiting', 'starting', 'started'])
    expect(statuses[1]).toMatchObject({ phase: 'waiting', failures: 1, retryAt: 1_250 })
    expect(statuses[5]).toMatchObject({ phase: 'waiting', failures: 3, retryAt: 2_000 })
  })

  it('cuts a wait short when woken (the browser is back online)', async () => {
    let wake: (() => void) | undefined
    let tries = 0
    await retryStart({
      attempt: async () => { if (++tries === 1) { setTimeout(() => { wake?.() }, 20); throw new Error('down') } return true },
      onStatus: () => {},
      signal: new AbortController().signal,
      backoff: { initialMs: 60_000, maxMs: 60_000 },
      random: () => 0.99,
      wake: (fn) => { wake = fn; return () => { wake = undefined } }
    })
    expect(tries).toBe(2)
    // Without the wake the 59 s wait would outlast the test's timeout.
    expect(wake).toBeUndefined()
  })

  it('stops when the profile closes', async () => {
    const closing = new AbortController()
    let tries = 0
    const run = retryStart({
      attempt: async () => { tries++; throw new Error('down') },
      onStatus: (s) => { if (s.phase === 'waiting' && tries === 2) closing.abort(new Error('closed')) },
      signal: closing.signal,
      random: () => 0
    })
    await expect(run).rejects.toThrow('closed')
    expect(tries).toBe(2)
  })
})
