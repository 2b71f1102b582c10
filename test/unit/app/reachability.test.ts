import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { watchReachability } from '../../../src/app/pwa/reachability.ts'

describe('reachability', () => {
  let win: EventTarget
  beforeEach(() => {
    win = new EventTarget()
    vi.stubGlobal('window', win)
    vi.stubGlobal('document', Object.assign(new EventTarget(), { visibilityState: 'visible' }))
  })
  afterEach(() => { vi.unstubAllGlobals() })

  it('reports offline when the server does not answer, retries, and reports online when it does', async () => {
    let up = false
    const changes: boolean[] = []
    const stop = watchReachability({
      probeUrl: '/health',
      retryMs: 5,
      onChange: (online) => changes.push(online),
      fetch: (async () => { if (!up) throw new TypeError('Failed to fetch'); return new Response(null) }) as unknown as typeof fetch
    })
    await vi.waitFor(() => { expect(changes).toEqual([false]) })
    up = true
    await vi.waitFor(() => { expect(changes).toEqual([false, true]) })
    stop()
  })

  it('checks again on the browser\'s offline event instead of believing it', async () => {
    const changes: boolean[] = []
    let calls = 0
    const stop = watchReachability({
      probeUrl: '/health',
      onChange: (online) => changes.push(online),
      fetch: (async () => { calls++; return new Response(null) }) as unknown as typeof fetch
    })
    await vi.waitFor(() => { expect(changes).toEqual([true]) })
    win.dispatchEvent(new Event('offline'))
    await vi.waitFor(() => { expect(calls).toBe(2) })
    expect(changes).toEqual([true])
    stop()
  })
})
