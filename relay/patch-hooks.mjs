// Node module hooks for the relay: the same source patches the Vite build applies to the tab
// bundle (vite.config.ts), applied here as modules load, so tabs and relays run the same
// kad-dht; and two the relay alone needs (patches/libp2p-get-connections.ts,
// patches/websockets-client-address.ts). Registered
// by relay/preload.mjs after tsx, whose hooks load the .ts patches below.
// A patch that no longer applies throws, and the relay refuses to start rather than run
// without it.
import { fileURLToPath } from 'node:url'
import { KAD_DHT_PUT_VALUE_TARGET, patchKadDhtPutFrom } from '../patches/kad-dht-put-from.ts'
import { LIBP2P_CONNECTION_MANAGER_TARGET, patchLibp2pGetConnections } from '../patches/libp2p-get-connections.ts'
import { WEBSOCKETS_LISTENER_TARGET, patchWebsocketsClientAddress } from '../patches/websockets-client-address.ts'

const PATCHES = [
  { target: KAD_DHT_PUT_VALUE_TARGET, apply: patchKadDhtPutFrom },
  // The relay's alone: it holds thousands of connections, a tab a handful.
  { target: LIBP2P_CONNECTION_MANAGER_TARGET, apply: patchLibp2pGetConnections },
  // The relay's alone too: behind a proxy, a connection's address comes from its header.
  { target: WEBSOCKETS_LISTENER_TARGET, apply: patchWebsocketsClientAddress }
]

export async function load (url, context, nextLoad) {
  const loaded = await nextLoad(url, context)
  if (!url.startsWith('file:')) return loaded
  const path = fileURLToPath(url)
  const patch = PATCHES.find((p) => p.target.test(path))
  if (patch == null) return loaded
  const source = typeof loaded.source === 'string' ? loaded.source : new TextDecoder().decode(loaded.source)
  return { ...loaded, source: patch.apply(source), shortCircuit: true }
}
