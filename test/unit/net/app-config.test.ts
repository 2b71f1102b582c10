import { describe, expect, it } from 'vitest'
import { ConfigError, parseAppConfig } from '../../../src/net/app-config.ts'

const RELAYS = ['/ip4/127.0.0.1/tcp/8081/ws/p2p/12D3KooWA9MccRSShbdGg7aqBz7HX2HBNChi597noMgPvptCnEKh']

describe('the configuration the relay serves', () => {
  it('takes ICE servers with credentials and a transport policy, and defaults the policy to all', () => {
    const iceServers = [{ urls: ['stun:127.0.0.1:3478'] }, { urls: 'turn:127.0.0.1:3478?transport=udp', username: '1:a', credential: 'c' }]
    expect(parseAppConfig({ relays: RELAYS, iceServers, iceTransportPolicy: 'relay' }))
      .toEqual({ relays: RELAYS, iceServers, iceTransportPolicy: 'relay' })
    expect(parseAppConfig({ relays: RELAYS, iceServers: [] }).iceTransportPolicy).toBe('all')
  })

  it('takes the network\'s DHT replication when the relay names one', () => {
    expect(parseAppConfig({ relays: RELAYS, iceServers: [], dhtReplication: 7 }).dhtReplication).toBe(7)
    expect(parseAppConfig({ relays: RELAYS, iceServers: [] })).not.toHaveProperty('dhtReplication')
  })

  it.each([
    [{ relays: [], iceServers: [] }, /no relay addresses/],
    [{ relays: RELAYS, iceServers: [{ urls: ['http://example.com'] }] }, /malformed ICE server list/],
    [{ relays: RELAYS, iceServers: [{ urls: [] }] }, /malformed ICE server list/],
    [{ relays: RELAYS, iceServers: [{ urls: ['turn:x'], credential: 5 }] }, /malformed ICE server list/],
    [{ relays: RELAYS, iceServers: [], iceTransportPolicy: 'none' }, /ICE transport policy/],
    [{ relays: RELAYS, iceServers: [], dhtReplication: 2 }, /DHT replication outside 5 to 64/],
    [{ relays: RELAYS, iceServers: [], dhtReplication: 7.5 }, /DHT replication outside 5 to 64/]
  ])('refuses %j with a clear error', (value, message) => {
    expect(() => parseAppConfig(value)).toThrow(ConfigError)
    expect(() => parseAppConfig(value)).toThrow(message)
  })
})
