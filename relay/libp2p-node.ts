import { createLibp2p, type Libp2p } from 'libp2p'
import { webSockets } from '@libp2p/websockets'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { identify, identifyPush, type Identify } from '@libp2p/identify'
import { ping, type Ping } from '@libp2p/ping'
import { circuitRelayServer, type CircuitRelayService } from '@libp2p/circuit-relay-v2'
import { kadDHT, type KadDHT } from '@libp2p/kad-dht'
import type { PrivateKey, TLSCertificate } from '@libp2p/interface'
import type { Datastore } from 'interface-datastore'
import type { ServerOptions } from 'node:http'
import { murmurDhtInit } from '../src/net/dht-config.ts'
import { addDhtPeersWhenAddressed } from '../src/net/dht-routing.ts'
import { dropDhtPeersWhenGone } from './dht-routing.ts'
import { componentLog, type RelayLog } from './log.ts'
import { releaseReservation, shouldRefuseConnection, shouldRefuseReservation } from './reservation-policy.ts'
import type { RelayConfig } from './config.ts'
import { announcedAddrs, listenAddress } from './public-address.ts'
import { certificateRenewal, type CertificateRenewal } from './tls.ts'
import { startLiveness } from './liveness.ts'
import { startForgettingGonePeers } from './peers-in-memory.ts'
import { connectionCap, type ConnectionCap } from './connection-cap.ts'
import { clientEndpointHook, type TrustedProxy } from './client-address.ts'
import { CLIENT_ENDPOINT_HOOK } from '../patches/websockets-client-address.ts'

export type RelayServices = {
  connectionCap: ConnectionCap
  identify: Identify
  ping: Ping
  relay: CircuitRelayService
  dht: KadDHT
  tls: CertificateRenewal
}

export type RelayNode = Libp2p<RelayServices>

/** Relayed circuits carry only WebRTC signalling; chat goes direct. */
const CIRCUIT_DATA_LIMIT = 128n * 1024n
const CIRCUIT_DURATION_LIMIT_MS = 2 * 60 * 1000
/** Tabs refresh 5 minutes before expiry; a dead tab's slot is also freed on disconnect. */
const RESERVATION_TTL_MS = 60 * 60 * 1000
/** Connections still negotiating noise and yamux; the default (10) stalls a burst of tabs. */
const MAX_PENDING_INBOUND = 256

/** @libp2p/websockets passes `http` to Node's http.createServer, which ignores the hook's key. */
function clientEndpointOptions (proxies: readonly TrustedProxy[]): ServerOptions {
  return { [CLIENT_ENDPOINT_HOOK]: clientEndpointHook(proxies) } as ServerOptions
}

export async function createRelayNode (
  config: RelayConfig,
  privateKey: PrivateKey,
  datastore: Datastore,
  log: RelayLog,
  /** With a certificate the listener speaks wss (TLS) instead of ws. */
  tls?: TLSCertificate
): Promise<RelayNode> {
  // The gater runs inside the node, so it reaches the node through this late binding.
  let node: RelayNode | undefined

  node = await createLibp2p({
    privateKey,
    datastore,
    addresses: {
      listen: [listenAddress(config.host, config.wsPort, tls != null)],
      announce: announcedAddrs(config)
    },
    // The hook on `http` is read by patches/websockets-client-address.ts (both ws and wss):
    // behind a trusted proxy, a connection's remote address is the client's.
    transports: [webSockets({ http: clientEndpointOptions(config.trustedProxies), ...(tls != null ? { https: tls } : {}) })],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: {
      maxConnections: config.maxConnections,
      // libp2p refuses more than 5 new connections per second from one host by default;
      // many people share one carrier-NAT address, and in tests every tab is 127.0.0.1.
      inboundConnectionThreshold: config.inboundConnectionsPerSecond,
      maxIncomingPendingConnections: MAX_PENDING_INBOUND
    },
    // Replaced by relay/liveness.ts, which pings the same connections spread over time
    // instead of all of them in one tick.
    connectionMonitor: { enabled: false },
    connectionGater: {
      denyInboundConnection: (maConn) => node != null && node.services.connectionCap.deny(maConn.remoteAddr),
      denyInboundEncryptedConnection: (peer) => node != null && shouldRefuseConnection(node.getConnections(peer)),
      denyInboundRelayReservation: (peer) => node != null && shouldRefuseReservation(
        node.services.relay.reservations, peer, node.getConnections(peer), config.maxReservationsPerIp
      )
    },
    services: {
      connectionCap: connectionCap({ maxPerIp: config.maxConnectionsPerIp, log: log.info }),
      identify: identify(),
      // Receives tabs' pushes: a tab's reachable address (its circuit) comes after it connects.
      identifyPush: identifyPush(),
      ping: ping(),
      relay: circuitRelayServer({
        reservations: {
          maxReservations: config.maxReservations,
          reservationTtl: RESERVATION_TTL_MS,
          defaultDataLimit: CIRCUIT_DATA_LIMIT,
          defaultDurationLimit: CIRCUIT_DURATION_LIMIT_MS
        },
        // One STOP stream per circuit being opened to a tab; the default is 300.
        maxOutboundStopStreams: Math.max(300, Math.ceil(config.maxReservations / 4))
      }),
      dht: kadDHT(murmurDhtInit({ clientMode: false, replication: config.dhtReplication })),
      tls: certificateRenewal()
    }
  })

  const dhtLog = componentLog(log, 'dht')
  addDhtPeersWhenAddressed(node, dhtLog)
  // Tabs reach the DHT through this relay: one that left must not be handed out any more.
  dropDhtPeersWhenGone(node, dhtLog)
  const liveness = startLiveness(node)
  // The peer store is in memory (relay/peers-in-memory.ts): tabs that left are forgotten.
  const stopForgetting = startForgettingGonePeers(node)
  node.addEventListener('stop', () => { liveness.stop(); stopForgetting() }, { once: true })
  const reservations = node.services.relay.reservations
  node.addEventListener('peer:disconnect', (event) => { releaseReservation(reservations, event.detail) })
  return node
}
