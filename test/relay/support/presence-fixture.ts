import { createIdentity } from '../../../src/core/identity.ts'
import { encodePresence, presenceKey } from '../../../src/core/presence.ts'

export interface DhtEntry {
  key: Uint8Array
  value: Uint8Array
}

/** A presence record as a tab publishes it: signed by its profile key, valid for an hour. */
export function validPresenceRecord (now = Date.now()): DhtEntry {
  const identity = createIdentity()
  const value = encodePresence(identity, {
    seq: 1,
    expiresAt: now + 60 * 60 * 1000,
    peers: [{
      peerId: '12D3KooWGC6TvWhfapngX6wvJHMYvKpDMXPb3ZnCZ6dMoaMtimQ5',
      addrs: ['/ip4/127.0.0.1/tcp/4001/ws/p2p/12D3KooWGC6TvWhfapngX6wvJHMYvKpDMXPb3ZnCZ6dMoaMtimQ5/p2p-circuit/webrtc']
    }]
  })
  return { key: presenceKey(identity.publicKey), value }
}

/** The same, signed by one profile but filed under another's key: every validator must refuse it. */
export function misfiledPresenceRecord (now = Date.now()): DhtEntry {
  return { key: validPresenceRecord(now).key, value: validPresenceRecord(now).value }
}
