import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import type { IdentifyResult, Libp2p, PeerId } from '@libp2p/interface'
import { DHT_PROTOCOL } from '../src/net/dht-config.ts'
import { errorMessage } from '../src/diagnostics/index.ts'

/** circuit-relay-v2's reservation protocol: a peer that serves it is a relay. */
export const HOP_PROTOCOL = '/libp2p/circuit/relay/0.2.0/hop'
/** How often a relay checks that it is still connected to its bootstrap relays. */
const BOOTSTRAP_CHECK_MS = 15_000
const DIAL_TIMEOUT_MS = 10_000
/** A relay hands tabs at most this many of its neighbours; a tab needs two or three. */
const MAX_PEER_RELAYS = 8
/**
 * libp2p's connection manager never prunes a peer tagged keep-alive and redials it when
 * the connection drops: relays of one network stay one DHT even when it is busy.
 */
const KEEP_ALIVE_TAG = 'keep-alive-murmur-relay'

export interface RelayMesh {
  /** Websocket addresses of the other Murmur relays this one is connected to, newest last. */
  peerRelayAddrs: () => string[]
  stop: () => void
}

const peerIdOf = (addr: Multiaddr): string | undefined =>
  addr.getComponents().findLast((c) => c.name === 'p2p')?.value

/** Addresses a browser can dial: websockets, not circuits, each ending in /p2p/<id>. */
export function browserDialable (addrs: readonly Multiaddr[], peerId: string): string[] {
  return addrs
    .map((ma) => ma.toString())
    .filter((ma) => /\/wss?(\/|$)/.test(ma) && !ma.includes('/p2p-circuit'))
    .map((ma) => ma.includes('/p2p/') ? ma : `${ma}/p2p/${peerId}`)
}

export interface RelayMeshInit {
  /** Relays to dial at start and keep connected to (--bootstrap). */
  bootstrap: readonly string[]
  /** Peer ids of other relays the operator vouches for without dialling them (--neighbour). */
  neighbours: readonly string[]
  /** What went wrong (a bootstrap relay out of reach). */
  onError: (message: string) => void
  /** A relay-speaking peer nobody named: it is not handed to tabs (said once per peer). */
  onUnnamed?: (peerId: string) => void
}

/**
 * Joins this relay to the other relays of its network and keeps it there: dials the
 * bootstrap relays at start and again whenever a connection is missing, and remembers the
 * connected relays the operator named (--bootstrap or --neighbour) that serve both the hop
 * protocol and the Murmur DHT, so /murmur-config.json can hand tabs more than one relay.
 *
 * Only named ones (issue 15 item 8): speaking the protocols proves nothing, and every tab
 * of this relay reserves on what it hands out, so a stranger's node in that list would
 * see (and could refuse or drop) the circuits of the tabs that picked it. The peer id is
 * checked, and libp2p's encryption handshake has proved the peer holds its key.
 */
export function joinRelayMesh (node: Libp2p, init: RelayMeshInit): RelayMesh {
  const peers = new Map<string, string[]>()
  const targets = init.bootstrap.map((a) => multiaddr(a))
  const named = new Set([...targets.map(peerIdOf).filter((id) => id != null), ...init.neighbours])
  const warned = new Set<string>()
  const onError = init.onError
  const shutdown = new AbortController()

  const onIdentify = (event: CustomEvent<IdentifyResult>): void => {
    const { peerId, protocols, listenAddrs } = event.detail
    const id = peerId.toString()
    if (!protocols.includes(HOP_PROTOCOL) || !protocols.includes(DHT_PROTOCOL)) return
    if (!named.has(id)) {
      if (warned.size < 1000 && !warned.has(id)) { warned.add(id); init.onUnnamed?.(id) }
      return
    }
    const addrs = browserDialable(listenAddrs, id)
    if (addrs.length === 0) return
    peers.delete(id)
    peers.set(id, addrs)
  }
  const onDisconnect = (event: CustomEvent<PeerId>): void => { peers.delete(event.detail.toString()) }
  node.addEventListener('peer:identify', onIdentify)
  node.addEventListener('peer:disconnect', onDisconnect)

  const dialMissing = async (): Promise<void> => {
    await Promise.all(targets.map(async (addr) => {
      const id = peerIdOf(addr)
      if (id == null || id === node.peerId.toString()) return
      if (node.getConnections().some((c) => c.remotePeer.toString() === id)) return
      try {
        const connection = await node.dial(addr, { signal: AbortSignal.any([shutdown.signal, AbortSignal.timeout(DIAL_TIMEOUT_MS)]) })
        await node.peerStore.merge(connection.remotePeer, { tags: { [KEEP_ALIVE_TAG]: { value: 100 } } })
      } catch (err) {
        if (!shutdown.signal.aborted) onError(`could not reach bootstrap relay ${addr.toString()}: ${errorMessage(err)}`)
      }
    }))
  }
  const timer = setInterval(() => { void dialMissing() }, BOOTSTRAP_CHECK_MS)
  void dialMissing()

  return {
    peerRelayAddrs: () => [...peers.values()].slice(-MAX_PEER_RELAYS).flat(),
    stop: () => {
      shutdown.abort()
      clearInterval(timer)
      node.removeEventListener('peer:identify', onIdentify)
      node.removeEventListener('peer:disconnect', onDisconnect)
    }
  }
}
