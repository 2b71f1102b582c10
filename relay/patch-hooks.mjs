// Node module hooks for the relay: the same source patches the Vite build applies to the tab
// bundle (vite.config.ts), applied here as modules load, so tabs and relays run the same
// kad-dht. Registered by relay/preload.mjs after tsx, whose hooks load the .ts patch below.
// A patch that no longer applies throws, and the relay refuses to start rather than run
// without it.
import { fileURLToPath } from 'node:url'
import { KAD_DHT_PUT_VALUE_TARGET, patchKadDhtPutFrom } from '../patches/kad-dht-put-from.ts'

const PATCHES = [
  { target: KAD_DHT_PUT_VALUE_TARGET, apply: patchKadDhtPutFrom }
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
