import type { Multiaddr } from '@multiformats/multiaddr'
import type { Connection, PeerId } from '@libp2p/interface'
import type { CircuitRelayService, RelayReservation } from '@libp2p/circuit-relay-v2'

type Reservations = CircuitRelayService['reservations']

/** The eight 16-bit groups of an IPv6 address, e.g. 2001:db8::1 -> 2001,db8,0,0,0,0,0,1. */
function ipv6Groups (ip: string): number[] | undefined {
  const [head = '', tail, extra] = ip.split('::')
  if (extra != null) return undefined
  const parse = (part: string): number[] => part === '' ? [] : part.split(':').map((g) => parseInt(g, 16))
  const left = parse(head)
  const right = tail == null ? [] : parse(tail)
  const groups = tail == null ? left : [...left, ...new Array(8 - left.length - right.length).fill(0), ...right]
  return groups.length === 8 && groups.every((g) => g >= 0 && g <= 0xffff) ? groups : undefined
}

/**
 * Who a connection comes from, for per-address caps: the IPv4 address, or the IPv6 /64
 * (one household or phone is handed a whole /64, so single IPv6 addresses cost nothing).
 */
export function hostOf (addr: Multiaddr): string | undefined {
  const component = addr.getComponents().find((c) => c.name === 'ip4' || c.name === 'ip6')
  if (component?.value == null) return undefined
  if (component.name === 'ip4') return component.value
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(component.value)
  if (mapped != null) return mapped[1]
  const groups = ipv6Groups(component.value)
  if (groups == null) return component.value
  // IPv4-mapped (::ffff:a.b.c.d), which multiaddr prints in hex.
  if (groups.slice(0, 6).join() === '0,0,0,0,0,65535') {
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.')
  }
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`
}

/**
 * circuit-relay-v2 caps reservations in total and holds one per peer, but has no cap per
 * address: without one, a single machine could take every slot. A peer that already holds
 * a reservation is refreshing it and is never refused.
 */
export function shouldRefuseReservation (
  reservations: Reservations,
  peer: PeerId,
  connections: readonly Connection[],
  maxPerHost: number
): boolean {
  if (reservations.has(peer)) return false
  const host = connections.map((c) => hostOf(c.remoteAddr)).find((h) => h != null)
  if (host == null) return false
  let held = 0
  for (const reservation of reservations.values()) {
    if (reservationHost(reservation) === host && ++held >= maxPerHost) return true
  }
  return false
}

/**
 * Each reservation's host, worked out once: the check above walks every reservation for
 * each newcomer, and parsing thousands of multiaddrs each time showed in the relay's profile.
 */
const hosts = new WeakMap<RelayReservation, string | undefined>()

function reservationHost (reservation: RelayReservation): string | undefined {
  if (!hosts.has(reservation)) hosts.set(reservation, hostOf(reservation.addr))
  return hosts.get(reservation)
}

/**
 * circuit-relay-v2 4.2 keeps a reservation until its TTL runs out even after the tab has
 * gone, so closed tabs would hold slots for the whole TTL. Drop a reservation when its peer
 * has no connection left; clearing the timer first stops the old expiry from later
 * deleting a fresh reservation the same peer makes when it comes back.
 */
export function releaseReservation (reservations: Reservations, peer: PeerId): boolean {
  const reservation = reservations.get(peer)
  if (reservation == null) return false
  reservation.signal.clear()
  reservations.delete(peer)
  return true
}

/**
 * A tab needs one connection to its relay (circuits ride on it as streams). circuit-relay-v2
 * already holds at most one reservation per peer; without a cap on connections, one peer
 * could still open thousands and hold their muxers and buffers. Refused before the muxer
 * is set up, so a refusal costs the relay little.
 */
export const MAX_CONNECTIONS_PER_PEER = 4

export function shouldRefuseConnection (existing: readonly Connection[], maxPerPeer = MAX_CONNECTIONS_PER_PEER): boolean {
  return existing.filter((c) => c.status === 'open').length >= maxPerPeer
}
