import type { Libp2p, PeerId } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import { silentLogger, type Logger } from '../diagnostics/index.ts'
import { DHT_PROTOCOL } from './dht-config.ts'

/**
 * Works around a gap in @libp2p/kad-dht 16: a peer enters the routing table only when it
 * first connects, and only if its addresses are known at that moment. A tab connects to the
 * relay before it has any address (its reachable address is the relay circuit it reserves a
 * moment later), so the relay ignored every tab and answered every FIND_NODE with nobody:
 * records landed on the relay alone. When a later identify (push) brings a DHT server's
 * addresses, this adds the peer then. Tabs and relays both run it; the relay's other half
 * (dropping peers that left) is relay/dht-routing.ts. The routing table is a public field
 * of kad-dht's class, though not of its interface; test/unit/net/dht-routing.test.ts
 * fails if it moves.
 */
export function addDhtPeersWhenAddressed (node: Libp2p<{ dht: KadDHT }>, log: Logger = silentLogger.forComponent('murmur:dht')): void {
  node.addEventListener('peer:identify', (event) => {
    const { peerId, protocols, listenAddrs } = event.detail
    if (!protocols.includes(DHT_PROTOCOL) || listenAddrs.length === 0) return
    // kad-dht checks the peer over a live connection before it adds it: one that has gone
    // meanwhile is not added, and joins when it identifies again.
    void addToRoutingTable(node.services.dht, peerId).catch((err: unknown) => {
      log('could not add DHT server %s to the routing table: %s', peerId.toString(), err)
    })
  })
}

export interface RoutingTable {
  find: (peer: PeerId) => Promise<PeerId | undefined>
  add: (peer: PeerId) => Promise<void>
  remove: (peer: PeerId) => Promise<void>
}

/** kad-dht's routing table, read from its class: the one place that relies on the field. */
export function routingTableOf (dht: KadDHT): RoutingTable {
  const table = (dht as unknown as { routingTable?: RoutingTable }).routingTable
  if (table == null) throw new Error('kad-dht has no routingTable field any more: see src/net/dht-routing.ts')
  return table
}

async function addToRoutingTable (dht: KadDHT, peerId: PeerId): Promise<void> {
  const table = routingTableOf(dht)
  if (await table.find(peerId) != null) return
  await table.add(peerId)
}
