import type { KadDHTInit, Selectors, Validators } from '@libp2p/kad-dht'
import { PRESENCE_NAMESPACE, selectPresence, validatePresenceRecord } from '../core/presence.ts'
import { PREKEY_NAMESPACE, selectPrekey, validatePrekeyRecord } from '../core/x3dh/prekey.ts'
import { MAILBOX_NAMESPACE } from '../core/mailbox/slots.ts'
import { selectMailboxRecord, validateMailboxRecord } from '../core/mailbox/record.ts'
import { DHT_REPLICATION_DEFAULT } from './dht-replication.ts'

/**
 * Murmur's own DHT, apart from the public IPFS one. Every node, tab or relay, must use the
 * same protocol AND register a validator and a selector for each record namespace: kad-dht
 * looks both up by the key's first path segment (`/murmur-presence/...`), and a node
 * without them resets the stream of any PUT or GET in that namespace.
 */
export const DHT_PROTOCOL = '/murmur/kad/1.0.0'

export const dhtValidators: Validators = {
  [PRESENCE_NAMESPACE]: async (key, value) => { validatePresenceRecord(key, value) },
  [PREKEY_NAMESPACE]: async (key, value) => { validatePrekeyRecord(key, value) },
  // Mailboxes (issue 4) are not written yet; every node validates them already, so relays
  // deployed now hold them when tabs start writing.
  [MAILBOX_NAMESPACE]: async (key, value) => { validateMailboxRecord(key, value) }
}

export const dhtSelectors: Selectors = {
  [PRESENCE_NAMESPACE]: (key, values) => selectPresence(key, values),
  [PREKEY_NAMESPACE]: (key, values) => selectPrekey(key, values),
  [MAILBOX_NAMESPACE]: (key, values) => selectMailboxRecord(key, values)
}

/**
 * kad-dht's options for Murmur's DHT, the same on every node: tabs and relays serve it
 * (`clientMode: false`); test and load peers may only ask. Every address a peer announces
 * is kept: tabs are reached through relay circuits, often on private or loopback addresses,
 * which kad-dht's default mapper would strip.
 */
export function murmurDhtInit (options: { clientMode: boolean, replication?: number }): KadDHTInit {
  return {
    protocol: DHT_PROTOCOL,
    kBucketSize: options.replication ?? DHT_REPLICATION_DEFAULT,
    clientMode: options.clientMode,
    validators: dhtValidators,
    selectors: dhtSelectors,
    peerInfoMapper: (peer) => peer,
    // kad-dht holds every query until its first self-query has run, and by default starts
    // that one a second after the DHT starts. Starting it at once (it still waits for a
    // first peer, the relay) saves a person who adds a contact right away that second.
    initialQuerySelfInterval: 0
  }
}
