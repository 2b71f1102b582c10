import { BaseDatastore, MemoryDatastore } from 'datastore-core'
import { Key, type Datastore, type KeyQuery, type Pair, type Query } from 'interface-datastore'
import type { AbortOptions, Libp2p, PeerId } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import { isInRoutingTable } from './dht-routing.ts'

// libp2p keeps its peer store (every peer's addresses, protocols, keys and tags) in the
// datastore it is given, so a relay wrote each tab's identify answer to LevelDB and read it
// back on every update: in a CPU profile of bench:relay-load at 2,000 reservations, LevelDB
// gets and puts from the peer store were an eighth of the relay's time. Nothing in it is
// worth keeping across a restart: tabs identify again when they reconnect, and the relays
// of the network come from --bootstrap. So the relay keeps `/peers/` in memory, everything
// else (DHT records, mailbox records, push subscriptions) on disk, and forgets tabs that left.

const PEERS = new Key('/peers')

function isPeerKey (key: Key | string): boolean {
  const text = key.toString()
  return text === '/peers' || text.startsWith('/peers/')
}

/** A datastore that holds libp2p's peer store in memory and passes everything else on. */
export class PeersInMemory extends BaseDatastore {
  private readonly peers = new MemoryDatastore()

  private constructor (private readonly disk: Datastore) {
    super()
  }

  /** Removes the peer store an earlier relay version kept on disk; it is never read again. */
  static async over (disk: Datastore): Promise<PeersInMemory> {
    const stale: Key[] = []
    for await (const key of disk.queryKeys({ prefix: PEERS.toString() })) stale.push(key)
    for (const key of stale) await disk.delete(key)
    return new PeersInMemory(disk)
  }

  private storeOf (key: Key): Datastore {
    return isPeerKey(key) ? this.peers : this.disk
  }

  override async put (key: Key, value: Uint8Array, options?: AbortOptions): Promise<Key> {
    return this.storeOf(key).put(key, value, options)
  }

  override async get (key: Key, options?: AbortOptions): Promise<Uint8Array> {
    return this.storeOf(key).get(key, options)
  }

  override async has (key: Key, options?: AbortOptions): Promise<boolean> {
    return this.storeOf(key).has(key, options)
  }

  override async delete (key: Key, options?: AbortOptions): Promise<void> {
    await this.storeOf(key).delete(key, options)
  }

  override async * query (query: Query, options?: AbortOptions): AsyncGenerator<Pair> {
    for (const store of this.storesFor(query.prefix)) yield * store.query(query, options)
  }

  override async * queryKeys (query: KeyQuery, options?: AbortOptions): AsyncGenerator<Key> {
    for (const store of this.storesFor(query.prefix)) yield * store.queryKeys(query, options)
  }

  /** A query under `/peers` asks memory; one whose prefix `/peers/` also starts with, both; any other the disk. */
  private storesFor (prefix = ''): Datastore[] {
    if (isPeerKey(prefix)) return [this.peers]
    // Orders and limits over both would need a merge; nothing asks for them.
    if ('/peers/'.startsWith(prefix)) return [this.peers, this.disk]
    return [this.disk]
  }
}

/** How often the relay forgets peers that left. */
export const FORGET_INTERVAL_MS = 10 * 60 * 1000

/**
 * With the peer store in memory, every tab that ever connected would stay in it. Every
 * interval, forget each peer that has no connection, carries no tag (the relays of the
 * network are tagged keep-alive) and is not in the DHT routing table (which kad-dht bounds,
 * and which needs the addresses of the peers it names). Returns how many were forgotten.
 */
export async function forgetGonePeers (node: Pick<Libp2p<{ dht: KadDHT }>, 'peerStore' | 'getConnections' | 'services'>): Promise<number> {
  const gone: PeerId[] = []
  for (const peer of await node.peerStore.all()) {
    if (node.getConnections(peer.id).length > 0 || peer.tags.size > 0) continue
    if (await isInRoutingTable(node.services.dht, peer.id)) continue
    gone.push(peer.id)
  }
  for (const peer of gone) await node.peerStore.delete(peer)
  return gone.length
}

export function startForgettingGonePeers (node: Libp2p<{ dht: KadDHT }>, intervalMs = FORGET_INTERVAL_MS): () => void {
  const log = node.logger.forComponent('murmur:relay:peers')
  // A failed sweep (a store error, the node stopping) is tried again at the next interval.
  const timer = setInterval(() => { forgetGonePeers(node).catch((err: unknown) => { log.error('forgetting gone peers failed: %e', err) }) }, intervalMs)
  timer.unref?.()
  return () => { clearInterval(timer) }
}
