import type { Plugin } from 'vite'
import { PUT_FROM_OPTION } from '../src/net/put-from.ts'
import { PatchDidNotApplyError } from './webrtc-init-channel-race.ts'

/**
 * Lets the datastore know who sent a PUT, in @libp2p/kad-dht 16.4.5
 * (dist/src/rpc/handlers/put-value.js).
 *
 * Mailbox holders charge the records they keep for others to the peer that PUT them
 * (src/net/holder-datastore.ts). kad-dht's PUT_VALUE handler knows that peer but stores the
 * record with `datastore.put(key, value)` and nothing else, and validators get only the key
 * and the value. The patch adds a third argument, `{ murmurPutFrom: peerId }`, so the datastore
 * can tell a remote PUT (charged, and refused beyond the quota) from our own (never charged).
 * Upstream could pass the PeerId (or the whole message context) to the datastore or to the
 * validators; until then this one line is the whole change.
 *
 * Applied by Vite for the tab bundle (vite.config.ts) and by a Node module hook for the relay
 * (relay/patch-hooks.mjs); test/unit/patches/kad-dht-put-from.test.ts checks that it still
 * applies to the installed version.
 */
export const KAD_DHT_PUT_VALUE_TARGET = /@libp2p\/kad-dht\/dist\/src\/rpc\/handlers\/put-value\.js$/

const FROM = 'await this.components.datastore.put(recordKey, deserializedRecord.serialize().subarray());'
const TO = `await this.components.datastore.put(recordKey, deserializedRecord.serialize().subarray(), { ${PUT_FROM_OPTION}: peerId });`

/** Applies the patch to the module's source; throws when the upstream code moved. */
export function patchKadDhtPutFrom (source: string): string {
  const at = source.indexOf(FROM)
  if (at === -1 || source.indexOf(FROM, at + 1) !== -1) {
    throw new PatchDidNotApplyError(`@libp2p/kad-dht changed: "${FROM}" not found exactly once; re-check how the PUT handler stores records`)
  }
  return source.replace(FROM, TO)
}

export function kadDhtPutFromPatch (): Plugin {
  return {
    name: 'murmur:kad-dht-put-from',
    enforce: 'pre',
    transform (code, id) {
      if (!KAD_DHT_PUT_VALUE_TARGET.test(id.split('?')[0] ?? '')) return null
      return { code: patchKadDhtPutFrom(code), map: null }
    }
  }
}
