import { describe, expect, it } from 'vitest'
import { countDirectLinks, iceServerUrls, offlineNoticeKey, relayLine } from '../../../src/ui/state/network-summary.ts'

describe('the ICE servers Settings lists', () => {
  it('lists each URL once and never a username or credential', () => {
    const listed = iceServerUrls([
      { urls: 'stun:turn.example.org' },
      { urls: ['turn:turn.example.org?transport=udp', 'stun:turn.example.org'], username: '1800000000:x', credential: 'c2VjcmV0' }
    ])
    expect(listed).toEqual(['stun:turn.example.org', 'turn:turn.example.org?transport=udp'])
    expect(JSON.stringify(listed)).not.toMatch(/1800000000|c2VjcmV0/)
  })
})

describe('the relay line', () => {
  const started = { phase: 'started' } as const
  const base = { startup: started, relay: 'reserved' as const, reservedRelays: 1, directLinks: 0, now: 10_000 }

  it('says "connecting" before the first try has ended, never "offline"', () => {
    expect(relayLine({ ...base, startup: { phase: 'starting', failures: 0 }, relay: undefined })).toEqual({ key: 'relay.connecting' })
    // Started, but the relay keeper has not reported yet.
    expect(relayLine({ ...base, relay: undefined })).toEqual({ key: 'relay.connecting' })
  })

  it('says what it waits for after a failed try, counting down whole seconds', () => {
    const waiting = (retryAt: number) => ({ phase: 'waiting', failures: 2, retryAt, error: new Error('Failed to fetch') }) as const
    expect(relayLine({ ...base, startup: waiting(14_000), relay: undefined })).toEqual({ key: 'relay.waiting', params: { seconds: 4 } })
    expect(relayLine({ ...base, startup: waiting(10_001), relay: undefined })).toEqual({ key: 'relay.waiting', params: { seconds: 1 } })
    // Due now: the next try is starting.
    expect(relayLine({ ...base, startup: waiting(10_000), relay: undefined })).toEqual({ key: 'relay.connecting' })
  })

  it('follows the relay keeper once started', () => {
    expect(relayLine({ ...base, reservedRelays: 2 })).toEqual({ key: 'relay.reachable', params: { count: 2 } })
    expect(relayLine({ ...base, relay: 'connecting' })).toEqual({ key: 'relay.connecting' })
    expect(relayLine({ ...base, relay: 'offline' })).toEqual({ key: 'relay.offline' })
  })

  it('does not say messages wait while a direct link still delivers', () => {
    expect(relayLine({ ...base, relay: 'offline', directLinks: 1 })).toEqual({ key: 'relay.offlineDirect' })
    expect(offlineNoticeKey(1)).toBe('pwa.offlineDirect')
    expect(offlineNoticeKey(0)).toBe('pwa.offline')
  })

  it('counts direct and TURN links, not relay signalling or offline contacts', () => {
    expect(countDirectLinks({ a: 'direct', b: 'turn', c: 'relay', d: 'offline' })).toBe(2)
    expect(countDirectLinks({})).toBe(0)
  })
})
