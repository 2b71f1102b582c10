import { describe, expect, it } from 'vitest'
import { createRtcConfigurationSource, turnCredentialExpiry } from '../../../src/net/ice-config.ts'
import type { AppConfig } from '../../../src/net/app-config.ts'
import { createComponentLogger, type LogEntry } from '../../../src/diagnostics/index.ts'

const withTurn = (expiry: number, label: string): AppConfig => ({
  relays: ['/ip4/127.0.0.1/tcp/1/ws'],
  iceServers: [{ urls: ['stun:127.0.0.1'] }, { urls: ['turn:127.0.0.1'], username: `${expiry}:${label}`, credential: 'c' }],
  iceTransportPolicy: 'relay'
})

describe('the RTCConfiguration each peer connection gets', () => {
  it('reads the expiry from TURN REST usernames, and none without them', () => {
    expect(turnCredentialExpiry(withTurn(1_800_000_000, 'a').iceServers)).toBe(1_800_000_000_000)
    expect(turnCredentialExpiry([{ urls: 'stun:127.0.0.1' }])).toBeUndefined()
  })

  it('uses the served configuration while its TURN credential is fresh, and asks the relay again near expiry', async () => {
    let now = 1_000_000_000_000
    const fetched: AppConfig[] = []
    const source = createRtcConfigurationSource(withTurn(now / 1000 + 3600, 'first'), async () => {
      const fresh = withTurn(now / 1000 + 3600, 'second')
      fetched.push(fresh)
      return fresh
    }, { now: () => now })
    expect((await source()).iceServers![1]!.username).toMatch(/:first$/)
    expect((await source()).iceTransportPolicy).toBe('relay')
    expect(fetched).toHaveLength(0)
    now += 3600_000 - 5 * 60_000 // five minutes before expiry
    expect((await source()).iceServers![1]!.username).toMatch(/:second$/)
    expect((await source()).iceServers![1]!.username).toMatch(/:second$/)
    expect(fetched).toHaveLength(1)
  })

  it('keeps the configuration in hand when the relay cannot be asked, and says so in the log', async () => {
    const lines: LogEntry[] = []
    const log = createComponentLogger((entry) => { lines.push(entry) }).forComponent('murmur:net')
    const source = createRtcConfigurationSource(withTurn(1, 'old'), async () => { throw new Error('offline') }, { now: () => 10_000_000, log })
    expect((await source()).iceServers![1]!.username).toBe('1:old')
    expect(lines.map((l) => l.message)).toEqual(['could not renew the TURN credentials, keeping the ones in hand: offline'])
  })

  it('never asks again when there is no TURN credential to renew', async () => {
    let asked = 0
    const config: AppConfig = { relays: ['/ip4/127.0.0.1/tcp/1/ws'], iceServers: [], iceTransportPolicy: 'all' }
    const source = createRtcConfigurationSource(config, async () => { asked++; return config })
    expect(await source()).toEqual({ iceServers: [], iceTransportPolicy: 'all' })
    expect(asked).toBe(0)
  })
})

describe('TURN credentials asked for over libp2p', () => {
  const placeholder: AppConfig = {
    relays: ['/ip4/127.0.0.1/tcp/1/ws'],
    iceServers: [{ urls: ['stun:127.0.0.1'] }, { urls: ['turn:127.0.0.1'] }],
    iceTransportPolicy: 'relay'
  }
  const turnWith = (expiry: number, label: string): RTCIceServer[] => [{ urls: ['turn:127.0.0.1'], username: `${expiry}:${label}`, credential: 'c' }]

  it('never hands the browser a TURN server without a credential', async () => {
    const source = createRtcConfigurationSource(placeholder, async () => placeholder)
    expect(await source()).toEqual({ iceServers: [{ urls: ['stun:127.0.0.1'] }], iceTransportPolicy: 'relay' })
  })

  it('asks once, uses the answer until near its expiry, then asks again', async () => {
    let now = 1_000_000_000_000
    const labels = ['first', 'second']
    let asked = 0
    const source = createRtcConfigurationSource(placeholder, async () => placeholder, {
      now: () => now,
      turn: async () => { asked++; return turnWith(now / 1000 + 3600, labels.shift()!) }
    })
    const [a, b] = await Promise.all([source(), source()])
    expect(a.iceServers![1]!.username).toMatch(/:first$/)
    expect(b.iceServers![1]!.username).toMatch(/:first$/)
    expect(asked).toBe(1)
    now += 3600_000 - 5 * 60_000
    expect((await source()).iceServers![1]!.username).toMatch(/:second$/)
    expect(asked).toBe(2)
  })

  it('goes on without TURN when the relay refuses, says so, and waits before asking again', async () => {
    let now = 1_000_000_000_000
    let asked = 0
    const lines: LogEntry[] = []
    const log = createComponentLogger((entry) => { lines.push(entry) }).forComponent('murmur:net')
    const source = createRtcConfigurationSource(placeholder, async () => placeholder, {
      now: () => now,
      log,
      turn: async () => { asked++; throw new Error('no reservation') }
    })
    expect((await source()).iceServers).toEqual([{ urls: ['stun:127.0.0.1'] }])
    expect(await source()).toBeDefined()
    expect(asked).toBe(1)
    now += 20_000
    await source()
    expect(asked).toBe(2)
    expect(lines[0]!.message).toBe('could not get TURN credentials from the relay, going on without fresh ones: no reservation')
  })
})
