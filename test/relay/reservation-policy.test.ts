import { describe, expect, it } from 'vitest'
import { multiaddr } from '@multiformats/multiaddr'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { Connection, PeerId } from '@libp2p/interface'
import type { CircuitRelayService, RelayReservation } from '@libp2p/circuit-relay-v2'
import { hostOf, releaseReservation, shouldRefuseReservation } from '../../relay/reservation-policy.ts'

type Reservations = CircuitRelayService['reservations']

/** Just the PeerMap methods the policy uses, keyed the way PeerMap keys: by peer id string. */
function reservationMap (): Reservations {
  const map = new Map<string, RelayReservation>()
  return {
    get size () { return map.size },
    has: (peer: PeerId) => map.has(peer.toString()),
    get: (peer: PeerId) => map.get(peer.toString()),
    set: (peer: PeerId, r: RelayReservation) => { map.set(peer.toString(), r) },
    delete: (peer: PeerId) => map.delete(peer.toString()),
    values: () => map.values()
  } as unknown as Reservations
}

async function newPeer (): Promise<PeerId> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
}

/** The reservation's expiry timer is a RetimeableAbortSignal; the fake counts clear() calls. */
function reservationFrom (addr: string): RelayReservation & { cleared: () => number } {
  let cleared = 0
  return {
    addr: multiaddr(addr),
    expiry: new Date(Date.now() + 60_000),
    signal: { clear: () => { cleared++ } } as unknown as RelayReservation['signal'],
    cleared: () => cleared
  }
}

function connectionFrom (addr: string): Connection {
  return { remoteAddr: multiaddr(addr) } as unknown as Connection
}

describe('reservation policy', () => {
  it('groups connections by IPv4 address or IPv6 /64', () => {
    expect(hostOf(multiaddr('/ip4/192.0.2.7/tcp/4001/ws'))).toBe('192.0.2.7')
    expect(hostOf(multiaddr('/ip6/2001:db8:1:2:aaaa::1/tcp/4001/ws'))).toBe('2001:db8:1:2::/64')
    expect(hostOf(multiaddr('/ip6/2001:db8:1:2::ffff/tcp/4001/ws'))).toBe('2001:db8:1:2::/64')
    expect(hostOf(multiaddr('/ip6/2001:db8:1:3::1/tcp/4001/ws'))).toBe('2001:db8:1:3::/64')
    expect(hostOf(multiaddr('/ip6/::1/tcp/4001/ws'))).toBe('0:0:0:0::/64')
    expect(hostOf(multiaddr('/ip6/::ffff:192.0.2.7/tcp/4001/ws'))).toBe('192.0.2.7')
    expect(hostOf(multiaddr('/dns4/relay.example/tcp/443/wss'))).toBeUndefined()
  })

  it('refuses a new peer once its address holds the cap, and only that address', async () => {
    const reservations = reservationMap()
    for (let i = 0; i < 3; i++) reservations.set(await newPeer(), reservationFrom(`/ip4/192.0.2.7/tcp/${4000 + i}/ws`))
    reservations.set(await newPeer(), reservationFrom('/ip4/198.51.100.1/tcp/4000/ws'))
    const newcomer = await newPeer()

    expect(shouldRefuseReservation(reservations, newcomer, [connectionFrom('/ip4/192.0.2.7/tcp/5000/ws')], 3)).toBe(true)
    expect(shouldRefuseReservation(reservations, newcomer, [connectionFrom('/ip4/192.0.2.7/tcp/5000/ws')], 4)).toBe(false)
    expect(shouldRefuseReservation(reservations, newcomer, [connectionFrom('/ip4/198.51.100.1/tcp/5000/ws')], 2)).toBe(false)
  })

  it('never refuses a peer refreshing the reservation it holds', async () => {
    const reservations = reservationMap()
    const peer = await newPeer()
    reservations.set(peer, reservationFrom('/ip4/192.0.2.7/tcp/4000/ws'))
    expect(shouldRefuseReservation(reservations, peer, [connectionFrom('/ip4/192.0.2.7/tcp/4000/ws')], 1)).toBe(false)
  })

  it('releases a reservation and stops its expiry timer', async () => {
    const reservations = reservationMap()
    const peer = await newPeer()
    const reservation = reservationFrom('/ip4/192.0.2.7/tcp/4000/ws')
    reservations.set(peer, reservation)

    expect(releaseReservation(reservations, peer)).toBe(true)
    expect(reservations.has(peer)).toBe(false)
    expect(reservation.cleared()).toBe(1)
    expect(releaseReservation(reservations, peer)).toBe(false)
  })
})
