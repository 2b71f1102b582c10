import type { Selectors, Validators } from '@libp2p/kad-dht'
import { PRESENCE_NAMESPACE, selectPresence, validatePresenceRecord } from '../core/presence.ts'
import { PREKEY_NAMESPACE, selectPrekey, validatePrekeyRecord } from '../core/x3dh/prekey.ts'

/**
 * Murmur's own DHT, apart from the public IPFS one. Every node, tab or relay, must use the
 * same protocol AND register a validator and a selector for each record namespace: kad-dht
 * looks both up by the key's first path segment (`/murmur-presence/...`), and a node
 * without them resets the stream of any PUT or GET in that namespace.
 */
export const DHT_PROTOCOL = '/murmur/kad/1.0.0'

export const dhtValidators: Validators = {
  [PRESENCE_NAMESPACE]: async (key, value) => { validatePresenceRecord(key, value) },
  [PREKEY_NAMESPACE]: async (key, value) => { validatePrekeyRecord(key, value) }
}

export const dhtSelectors: Selectors = {
  [PRESENCE_NAMESPACE]: (key, values) => selectPresence(key, values),
  [PREKEY_NAMESPACE]: (key, values) => selectPrekey(key, values)
}
