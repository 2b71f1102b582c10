import { describe, expect, it } from 'vitest'
import { iceServerUrls } from '../../../src/ui/state/network-summary.ts'

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
