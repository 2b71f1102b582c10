import type { Libp2p, PeerId } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import { DHT_PROTOCOL } from '../src/net/dht-config.ts'
import { routingTableOf } from '../src/net/dht-routing.ts'
import type { Logger } from '../src/diagnostics/index.ts'

/**
 * The relay's half of the kad-dht 16 routing-table workaround (the half tabs share is
 * src/net/dht-routing.ts): kad-dht never drops a peer when it goes away (it pings old
 * contacts only when a bucket is full, which a relay's table of a few hundred tabs rarely
 * is). A relay reaches a tab only through the circuit it serves it, so once the tab's
 * connection closes (the tab closed, or moved to another relay) every FIND_NODE answer that
 * still names it sends the asker to dial a dead end, and the relay's table fills with them.
 * So a DHT peer whose every known address is a circuit through this node leaves the routing
 * table when it disconnects; it joins again when it reconnects and identifies. A peer that
 * can be reached some other way (a tab reserved on two relays) stays.
 */
export function dropDhtPeersWhenGone (node: Libp2p<{ dht: KadDHT }>, log: Logger): void {
  node.addEventListener('peer:disconnect', (event) => {
    const peerId = event.detail
    void (async () => {
      const peer = await node.peerStore.get(peerId)
      if (!peer.protocols.includes(DHT_PROTOCOL)) return
      if (!reachableOnlyThrough(peer.addresses.map((a) => a.multiaddr.toString()), node.peerId.toString())) return
      await routingTableOf(node.services.dht).remove(peerId)
    })().catch((err: unknown) => {
      log('could not drop %s from the DHT routing table: %s', peerId.toString(), err)
    })
  })
}

/** Whether every address is a relay circuit through `relayPeerId` (and there is one at least). */
export function reachableOnlyThrough (addrs: string[], relayPeerId: string): boolean {
  return addrs.length > 0 && addrs.every((addr) => addr.includes(`/p2p/${relayPeerId}/p2p-circuit`))
}

/** Whether kad-dht's routing table holds this peer now. */
export async function isInRoutingTable (dht: KadDHT, peerId: PeerId): Promise<boolean> {
  return await routingTableOf(dht).find(peerId) != null
}
