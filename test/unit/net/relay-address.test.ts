import { describe, expect, it } from 'vitest'
import { relayAddrsForPage } from '../../../src/net/relay-address.ts'

const PEER = '12D3KooWA9MccRSShbdGg7aqBz7HX2HBNChi597noMgPvptCnEKh'
const https = (hostname: string, port = ''): { protocol: string, hostname: string, port: string } => ({ protocol: 'https:', hostname, port })

describe('relay addresses for the page', () => {
  it('leaves every address alone on an http page (loopback, a LAN)', () => {
    const relays = [`/ip4/127.0.0.1/tcp/8081/ws/p2p/${PEER}`]
    expect(relayAddrsForPage(relays, { protocol: 'http:', hostname: '127.0.0.1', port: '8080' })).toEqual(relays)
  })

  it('keeps a wss address on a DNS name: the operator configured it', () => {
    const relays = [`/dns4/relay.example.org/tcp/443/tls/ws/p2p/${PEER}`, `/dns4/other.example/tcp/8443/wss/p2p/${PEER}`]
    expect(relayAddrsForPage(relays, https('chat.example.org'))).toEqual(relays)
  })

  it('puts the page\'s host name on a wss address that names an IP, keeping its port', () => {
    expect(relayAddrsForPage([`/ip4/0.0.0.0/tcp/8444/tls/ws/p2p/${PEER}`, `/ip4/10.0.0.5/tcp/8444/tls/ws/p2p/${PEER}`], https('chat.example.org', '8443')))
      .toEqual([`/dns4/chat.example.org/tcp/8444/tls/ws/p2p/${PEER}`])
  })

  it('turns a plain ws address into wss on the page\'s own host and port, where a TLS proxy passes upgrades on', () => {
    expect(relayAddrsForPage([`/ip4/127.0.0.1/tcp/8081/ws/p2p/${PEER}`], https('chat.example.org')))
      .toEqual([`/dns4/chat.example.org/tcp/443/tls/ws/p2p/${PEER}`])
    expect(relayAddrsForPage([`/ip4/127.0.0.1/tcp/8081/ws/p2p/${PEER}`], https('chat.example.org', '8443')))
      .toEqual([`/dns4/chat.example.org/tcp/8443/tls/ws/p2p/${PEER}`])
  })

  it('writes an IP-literal page host as ip4 or ip6', () => {
    expect(relayAddrsForPage([`/ip4/127.0.0.1/tcp/9/ws/p2p/${PEER}`], https('203.0.113.9'))).toEqual([`/ip4/203.0.113.9/tcp/443/tls/ws/p2p/${PEER}`])
    expect(relayAddrsForPage([`/ip4/127.0.0.1/tcp/9/ws/p2p/${PEER}`], https('[2001:db8::9]'))).toEqual([`/ip6/2001:db8::9/tcp/443/tls/ws/p2p/${PEER}`])
  })
})
