import { createLibp2p, type Libp2p } from 'libp2p'
import { webSockets } from '@libp2p/websockets'
import { webRTC } from '@libp2p/webrtc'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { kadDHT } from '@libp2p/kad-dht'
import { multiaddr } from '@multiformats/multiaddr'
import { murmurDhtInit } from '../../src/net/dht-config.ts'

/**
 * A libp2p peer in Node that speaks Murmur's wire protocols but is not the app: the
 * stand-in for a hostile or buggy client. It reaches tabs the way a tab does: through
 * the relay for signalling, then direct WebRTC (node-datachannel in Node).
 */
export async function createTestPeer (relayUrl: string): Promise<Libp2p> {
  const config = await (await fetch(`${relayUrl}/murmur-config.json`)).json() as { relays: string[] }
  const node = await createLibp2p({
    transports: [webSockets(), circuitRelayTransport(), webRTC({ rtcConfiguration: { iceServers: [] } })],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: { denyDialMultiaddr: () => false },
    services: {
      identify: identify(),
      ping: ping(),
      dht: kadDHT(murmurDhtInit({ clientMode: true }))
    }
  })
  for (const relay of config.relays) await node.dial(multiaddr(relay))
  return node
}
