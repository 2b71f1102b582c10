import { MemoryDatastore, MountDatastore } from 'datastore-core'
import { Key, type Datastore } from 'interface-datastore'
import { toString } from 'uint8arrays'
import { presenceKey } from '../core/presence.ts'
import { prekeyKey } from '../core/x3dh/prekey.ts'
import { DHT_RECORD_PREFIX } from './record-sweeper.ts'

/** libp2p's peer store: who this tab connected to, and at which addresses. */
const PEER_STORE_PREFIX = '/peers'

/**
 * The datastore of the tab's libp2p node (IndexedDB `murmur-dht` underneath). It keeps on
 * disk only what the tab holds for the network, never a record that names this profile:
 * - our own presence and prekey records, of which kad-dht keeps a copy when it publishes
 *   them, live in memory (the presence publisher puts them again after every start);
 * - so does the peer store, whose PeerIds, with the presence records that name them, would
 *   say whom this tab talked to (a tab learns its peers afresh at every start anyway).
 * Records this tab holds for others stay on disk: presence and prekey records are public DHT
 * data naming their owners, mailbox records name no one. Copies left by earlier versions are
 * deleted here. docs/ARCHITECTURE.md ("At rest") lists what remains.
 */
export async function openTabDatastore (disk: Datastore, ownPublicKey: Uint8Array): Promise<Datastore> {
  const own = [presenceKey(ownPublicKey), prekeyKey(ownPublicKey)].map((k) => new Key(`${DHT_RECORD_PREFIX}/${toString(k, 'base32')}`, false))
  for (const key of own) await disk.delete(key)
  for await (const key of disk.queryKeys({ prefix: `${PEER_STORE_PREFIX}/` })) await disk.delete(key)
  return new MountDatastore([
    ...own.map((prefix) => ({ prefix, datastore: new MemoryDatastore() })),
    { prefix: new Key(PEER_STORE_PREFIX), datastore: new MemoryDatastore() },
    { prefix: new Key('/'), datastore: disk }
  ])
}
