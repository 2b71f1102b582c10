import type { Multiaddr } from '@multiformats/multiaddr'
import type { Connection, PeerId } from '@libp2p/interface'
import type { CircuitRelayService } from '@libp2p/circuit-relay-v2'

type Reservations = CircuitRelayService['reservations']

/** The IP address in a multiaddr such as /ip4/1.2.3.4/tcp/5/ws, or undefined. */
export function hostOf (addr: Multiaddr): string | undefined {
  return addr.getComponents().find((c) => c.name === 'ip4' || c.name === 'ip6')?.value
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
    if (hostOf(reservation.addr) === host && ++held >= maxPerHost) return true
  }
  return false
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
