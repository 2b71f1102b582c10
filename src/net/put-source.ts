import type { Connection, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { addressGroup } from '../core/ip-address.ts'

// Whom a holder charges a remote PUT to (src/core/holder/store-ledger.ts): the network the
// writer's connection comes from, because addresses cost something and PeerIds do not.
//
// Why /24 and /56. Storage outlives connections (records stay up to 48 hours), so the unit
// must be one a writer cannot cheaply multiply. A home or phone gets one IPv4 address, but
// a hosting customer gets more in the same /24 for a few cents, and carrier NATs put
// thousands of people behind a handful of addresses in one /24 anyway: a /24 costs an
// attacker real money and treats a carrier's customers as the one crowd they already are
// (the per-source quota is sized for that crowd). An IPv6 customer is handed a /56 (RFC 6177,
// what most ISPs do) or a /48, i.e. 256+ /64s for free, so /64 would be no limit; a /56 is
// the smallest block one customer cannot multiply.
export const SOURCE_PREFIX_V4 = 24
export const SOURCE_PREFIX_V6 = 56

/** The address group a connection's remote address belongs to; undefined for circuits and WebRTC. */
export function sourceOfAddr (addr: Multiaddr): string | undefined {
  // A relayed connection shows the relay's address, which is everyone's.
  if (addr.toString().includes('/p2p-circuit')) return undefined
  const ip = addr.getComponents().find((c) => c.name === 'ip4' || c.name === 'ip6')
  return ip?.value == null ? undefined : addressGroup(ip.value, SOURCE_PREFIX_V4, SOURCE_PREFIX_V6)
}

/**
 * The source of a PUT from `peer`: the address group of its first connection that shows an
 * address (a relay sees one on every websocket), else the peer itself: a tab's WebRTC
 * connections show no address (libp2p does not surface the ICE candidate), so there a
 * source is a peer, and the tab's pool caps and eviction (not the source caps) bound a
 * stranger who makes many.
 */
export function sourceOfPeer (connections: readonly Connection[], peer: PeerId): string {
  for (const connection of connections) {
    const source = sourceOfAddr(connection.remoteAddr)
    if (source != null) return source
  }
  return `peer:${peer.toString()}`
}
