import './node-shims.ts'
import { createLibp2p, type Libp2p } from 'libp2p'
import { webSockets } from '@libp2p/websockets'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { identify, type Identify } from '@libp2p/identify'
import { ping, type Ping } from '@libp2p/ping'
import { kadDHT, type KadDHT } from '@libp2p/kad-dht'
import { multiaddr } from '@multiformats/multiaddr'
import type WebSocket from 'ws'
import { DHT_PROTOCOL, murmurDhtInit } from '../../src/net/dht-config.ts'
import { withWebSocketOptions } from './websocket-options.ts'

export type DhtClient = Libp2p<{ identify: Identify, ping: Ping, dht: KadDHT }>

/**
 * A Node libp2p node configured like a tab's DHT side (same protocol, validators and
 * selectors) but in client mode, so every record it reads or writes goes to the relay.
 * It keeps records in memory only: a fresh client knows nothing but what the relay holds.
 */
export async function connectDhtClient (relayAddr: string, options: { webSocket?: WebSocket.ClientOptions } = {}): Promise<DhtClient> {
  const node = await createLibp2p({
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: {
      identify: identify(),
      // kad-dht requires ping: it pings peers before evicting them from its routing table.
      ping: ping(),
      dht: kadDHT(murmurDhtInit({ clientMode: true }))
    }
  })
  try {
    const relay = multiaddr(relayAddr)
    await withWebSocketOptions(options.webSocket ?? {}, async () => node.dial(relay))
    const relayId = relay.getComponents().find((c) => c.name === 'p2p')?.value
    await waitFor(async () => {
      const peer = await node.peerStore.get(node.getConnections()[0]!.remotePeer).catch(() => undefined)
      return peer?.protocols.includes(DHT_PROTOCOL) === true && peer.id.toString() === relayId
    }, 'the relay to announce the Murmur DHT protocol')
    // kad-dht adds the relay to its routing table right after identify; give it a moment.
    await waitFor(async () => (node.services.dht as any).routingTable?.size > 0, 'the relay in the routing table')
    return node
  } catch (err) {
    await node.stop()
    throw err
  }
}

export async function waitFor (check: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
