import { Key } from 'interface-datastore'
import { Record as DhtRecord } from '@libp2p/kad-dht'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PeerId } from '@libp2p/interface'
import { toString } from 'uint8arrays'
import { createIdentity, type Identity } from '../../../src/core/identity.ts'
import { encodePresence, presenceKey } from '../../../src/core/presence.ts'
import { createDhIdentity } from '../../../src/core/x3dh/dh-identity.ts'
import { encodePrekeyBundle, prekeyKey } from '../../../src/core/x3dh/prekey.ts'
import { mailboxSlot, slotEpoch } from '../../../src/core/mailbox/slots.ts'
import { encodeMailboxRecord } from '../../../src/core/mailbox/record.ts'
import { DHT_RECORD_PREFIX } from '../../../src/net/record-sweeper.ts'
import { PUT_FROM_OPTION } from '../../../src/net/put-from.ts'

// Real, valid DHT records of each namespace, for the security tests: what a stranger can
// make for free (an identity, a mailbox write key, a PeerId) and PUT anywhere.

export const HOUR = 60 * 60 * 1000
export const DAY = 24 * HOUR

export interface DhtEntry { key: Uint8Array, value: Uint8Array }

/** A presence record of `identity` (a fresh one by default) with the given seq. */
export function presence (seq = 1, identity: Identity = createIdentity(), now = Date.now()): DhtEntry {
  const value = encodePresence(identity, {
    seq,
    expiresAt: now + HOUR,
    peers: [{ peerId: '12D3KooWGC6TvWhfapngX6wvJHMYvKpDMXPb3ZnCZ6dMoaMtimQ5', addrs: ['/ip4/127.0.0.1/tcp/4001/ws/p2p-circuit/webrtc'] }]
  })
  return { key: presenceKey(identity.publicKey), value }
}

/** A signed prekey bundle of `identity`, created `ageMs` ago. */
export function prekey (identity: Identity, ageMs: number, prekeyId = 1, now = Date.now()): DhtEntry {
  const dh = createDhIdentity(identity)
  const value = encodePrekeyBundle(identity, {
    dhIdentityKey: dh.publicKey,
    dhIdentitySignature: dh.signature,
    prekeyId,
    prekey: new Uint8Array(32).fill(prekeyId),
    createdAt: now - ageMs,
    expiresAt: now - ageMs + 20 * DAY
  })
  return { key: prekeyKey(identity.publicKey), value }
}

/** A mailbox record in slot `index` of the pair `secretByte`, `seq`, with a payload of `payloadBytes`. */
export function mailbox (index: number, seq = 1, payloadBytes = 100, secretByte = 9, now = Date.now()): DhtEntry {
  const slot = mailboxSlot(new Uint8Array(32).fill(secretByte), new Uint8Array(32).fill(8), slotEpoch(now), index % 16)
  const value = encodeMailboxRecord(slot.writeKey, {
    seq,
    createdAt: now,
    expiresAt: now + DAY,
    entries: [{ id: new Uint8Array(16).fill((index % 250) + 1), payload: new Uint8Array(payloadBytes).fill(seq & 0xff) }]
  })
  return { key: slot.key, value }
}

/** Mailbox records nobody else writes: each in its own pair's slot (distinct secrets). */
export function strangerMailbox (n: number, payloadBytes = 100): DhtEntry {
  const secret = new Uint8Array(32)
  new DataView(secret.buffer).setUint32(0, n + 1)
  const slot = mailboxSlot(secret, new Uint8Array(32).fill(7), slotEpoch(), 0)
  const now = Date.now()
  const value = encodeMailboxRecord(slot.writeKey, {
    seq: 1,
    createdAt: now,
    expiresAt: now + DAY,
    entries: [{ id: new Uint8Array(16).fill(1), payload: new Uint8Array(payloadBytes).fill(3) }]
  })
  return { key: slot.key, value }
}

/** The datastore key kad-dht stores a record under, and the bytes it stores there. */
export function stored (entry: DhtEntry, received = new Date()): { key: Key, value: Uint8Array } {
  return {
    key: new Key(`${DHT_RECORD_PREFIX}/${toString(entry.key, 'base32')}`, false),
    value: new DhtRecord(entry.key, entry.value, received).serialize()
  }
}

/** The value a datastore holds, as the record's inner value. */
export function innerValue (serialized: Uint8Array): Uint8Array {
  return DhtRecord.deserialize(serialized).value
}

export async function freshPeerId (): Promise<PeerId> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
}

/** The options kad-dht's patched PUT handler passes: the peer that sent the record. */
export const from = (peer: PeerId): Record<string, unknown> => ({ [PUT_FROM_OPTION]: peer })
