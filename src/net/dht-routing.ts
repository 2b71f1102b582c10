import type { Libp2p, PeerId } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import { DHT_PROTOCOL } from './dht-config.ts'

/**
 * Works around a gap in @libp2p/kad-dht 16: a peer enters the routing table only when it
 * first connects, and only if its addresses are known at that moment. A tab connects to the
 * relay before it has any address (its reachable address is the relay circuit it reserves a
 * moment later), so the relay ignored every tab and answered every FIND_NODE with nobody:
 * records landed on the relay alone. When a later identify (push) brings a DHT server's
 * addresses, this adds the peer then. The routing table is a public field of kad-dht's
 * class, though not of its interface; test/unit/net/dht-routing.test.ts fails if it moves.
 */
export function addDhtPeersWhenAddressed (node: Libp2p<{ dht: KadDHT }>): void {
  node.addEventListener('peer:identify', (event) => {
    const { peerId, protocols, listenAddrs } = event.detail
    if (!protocols.includes(DHT_PROTOCOL) || listenAddrs.length === 0) return
    void addToRoutingTable(node.services.dht, peerId).catch(() => {})
  })
}

/**
 * The other half of the same gap: kad-dht 16 never drops a peer when it goes away (it pings
 * old contacts only when a bucket is full, which a relay's table of a few hundred tabs
 * rarely is). A relay reaches a tab only through the circuit it serves it, so once the tab's
 * connection closes (the tab closed, or moved to another relay) every FIND_NODE answer that
 * still names it sends the asker to dial a dead end, and the relay's table fills with them.
 * So a DHT peer whose every known address is a circuit through this node leaves the routing
 * table when it disconnects; it joins again when it reconnects and identifies. A peer that
 * can be reached some other way (a tab reserved on two relays) stays.
 */
export function dropDhtPeersWhenGone (node: Libp2p<{ dht: KadDHT }>): void {
  node.addEventListener('peer:disconnect', (event) => {
    const peerId = event.detail
    void (async () => {
      const peer = await node.peerStore.get(peerId)
      if (!peer.protocols.includes(DHT_PROTOCOL)) return
      if (!reachableOnlyThrough(peer.addresses.map((a) => a.multiaddr.toString()), node.peerId.toString())) return
      await routingTableOf(node.services.dht).remove(peerId)
    })().catch(() => {})
  })
}

/** Whether every address is a relay circuit through `relayPeerId` (and there is one at least). */
export function reachableOnlyThrough (addrs: string[], relayPeerId: string): boolean {
  return addrs.length > 0 && addrs.every((addr) => addr.includes(`/p2p/${relayPeerId}/p2p-circuit`))
}

interface RoutingTable {
  find: (peer: PeerId) => Promise<PeerId | undefined>
  add: (peer: PeerId) => Promise<void>
  remove: (peer: PeerId) => Promise<void>
}

function routingTableOf (dht: KadDHT): RoutingTable {
  const table = (dht as unknown as { routingTable?: RoutingTable }).routingTable
  if (table == null) throw new Error('kad-dht has no routingTable field any more: see src/net/dht-routing.ts')
  return table
}

/** Whether kad-dht's routing table holds this peer now. */
export async function isInRoutingTable (dht: KadDHT, peerId: PeerId): Promise<boolean> {
  return await routingTableOf(dht).find(peerId) != null
}

async function addToRoutingTable (dht: KadDHT, peerId: PeerId): Promise<void> {
  const table = routingTableOf(dht)
  if (await table.find(peerId) != null) return
  await table.add(peerId)
}
