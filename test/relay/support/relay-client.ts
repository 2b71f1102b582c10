import '../../harness/node-shims.ts'
import { createLibp2p, type Libp2p } from 'libp2p'
import { webSockets } from '@libp2p/websockets'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { identify } from '@libp2p/identify'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'

/**
 * A Node libp2p node that asks the relay for a reservation, the way a tab does to become
 * reachable: listening on `<relay>/p2p-circuit`. Resolves once it holds one.
 */
export async function reserveOnRelay (relayAddr: string): Promise<Libp2p> {
  const node = await createLibp2p({
    start: false,
    addresses: { listen: [`${relayAddr}/p2p-circuit`] },
    transports: [webSockets(), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify() }
  })
  try {
    // Throws UnsupportedListenAddressesError when the relay refuses the reservation.
    await node.start()
  } catch (err) {
    await node.stop()
    throw err
  }
  return node
}

export function circuitAddrs (node: Libp2p): string[] {
  return node.getMultiaddrs().map((ma) => ma.toString()).filter((ma) => ma.includes('/p2p-circuit'))
}
