import { createLibp2p, type Libp2p } from 'libp2p'
import { webSockets } from '@libp2p/websockets'
import { webRTC } from '@libp2p/webrtc'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { identify, identifyPush } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { kadDHT, type KadDHT } from '@libp2p/kad-dht'
import type { Identify, IdentifyPush } from '@libp2p/identify'
import type { Ping } from '@libp2p/ping'
import type { Datastore } from 'interface-datastore'
import { dhtValidators, murmurDhtInit } from './dht-config.ts'
import { addDhtPeersWhenAddressed } from './dht-routing.ts'
import { HolderDatastore } from './holder-datastore.ts'
import { recordSweeper, type RecordSweeper } from './record-sweeper.ts'
import { TAB_STORE_LIMITS, type StoreLimits } from '../core/holder/store-limits.ts'
import { sourceOfPeer } from './put-source.ts'
import type { GossipSub } from '@libp2p/gossipsub'
import { groupPubsub } from './group-pubsub.ts'
import type { Logger } from '../diagnostics/index.ts'

/** A tab sweeps at start and then hourly: presence records live an hour, mailboxes days. */
const SWEEP_INTERVAL_MS = 60 * 60 * 1000

export interface MurmurNodeInit {
  /**
   * ICE servers and policy from the relay's configuration, asked for each new peer
   * connection (TURN credentials expire): never a third-party default.
   */
  rtcConfiguration: () => Promise<RTCConfiguration>
  /** Where this tab keeps the DHT records it holds for the network (IndexedDB in tabs). */
  datastore: Datastore
  /** What that store keeps for others; TAB_STORE_LIMITS, or less on a small quota (storeLimitsForQuota). */
  storeLimits?: StoreLimits
  /**
   * Allow dialing ws:// and private addresses. Only for a relay on loopback or a LAN,
   * where the browser's default gater would refuse the relay itself.
   */
  allowPrivateAddresses: boolean
  /**
   * Relay reservations to hold at once (src/net/relay-keeper.ts: two when two relays are
   * known). Each is one `/p2p-circuit` listener; one that has no relay keeps
   * circuit-relay-v2 searching the network for one, so never ask for more than are known.
   */
  reservations: number
  /** Kademlia's k in this network, from the relay's configuration (src/net/dht-replication.ts). */
  dhtReplication?: number
  /** Where the DHT routing workaround (src/net/dht-routing.ts) says what failed. */
  dhtLog?: Logger
}

export type MurmurServices = {
  identify: Identify
  /** Tells connected peers (the relay above all) our circuit addresses once we have them. */
  identifyPush: IdentifyPush
  ping: Ping
  dht: KadDHT
  recordSweeper: RecordSweeper
  /** Group gossip (src/net/group-pubsub.ts). */
  pubsub: GossipSub
}

export type MurmurNode = Libp2p<MurmurServices>

/** A relay circuit address that does not go on to WebRTC. */
export function isBareCircuit (addr: string): boolean {
  return addr.includes('/p2p-circuit') && !addr.includes('/p2p-circuit/webrtc')
}

/**
 * The tab's libp2p node: reachable through a relay reservation (`/p2p-circuit`), upgraded
 * to direct WebRTC (`/webrtc`) for everything a person sends.
 */
export async function createMurmurNode (init: MurmurNodeInit): Promise<MurmurNode> {
  // What strangers make this tab store is counted and capped (src/net/holder-datastore.ts);
  // the count starts from what the tab already stores. The datastore reaches the node's
  // connections (a PUT's source) through this late binding.
  let late: MurmurNode | undefined
  const datastore = await HolderDatastore.open(init.datastore, {
    limits: init.storeLimits ?? TAB_STORE_LIMITS,
    sourceOf: (peer) => sourceOfPeer(late?.getConnections(peer) ?? [], peer)
  })
  const node = late = await createLibp2p({
    addresses: {
      // One `/p2p-circuit` per reservation to hold: circuit-relay-v2 takes each on the next
      // relay that connects, and looks for another when one is lost.
      listen: [...new Array<string>(Math.max(1, init.reservations)).fill('/p2p-circuit'), '/webrtc'],
      // Peers reach a tab over WebRTC only. A bare circuit address would let a DHT query
      // dial the tab through the relay, a limited connection on which kad-dht may not open
      // streams: the tab would never hold or answer for anyone's records. The circuit
      // listener stays; it carries the WebRTC signalling.
      announceFilter: (addrs) => addrs.filter((ma) => !isBareCircuit(ma.toString()))
    },
    transports: [
      webSockets(),
      webRTC({ rtcConfiguration: init.rtcConfiguration }),
      circuitRelayTransport()
    ],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: init.allowPrivateAddresses
      ? { denyDialMultiaddr: () => false }
      : {},
    datastore,
    services: {
      identify: identify(),
      identifyPush: identifyPush(),
      ping: ping(),
      // Every tab is a DHT server: the network's records live in the tabs themselves.
      dht: kadDHT(murmurDhtInit({ clientMode: false, replication: init.dhtReplication })),
      recordSweeper: recordSweeper({ validators: dhtValidators, intervalMs: SWEEP_INTERVAL_MS }),
      pubsub: groupPubsub()
    }
  })
  addDhtPeersWhenAddressed(node, init.dhtLog)
  return node
}
