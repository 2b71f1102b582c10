import type { Key } from 'interface-datastore'
import { fromString } from 'uint8arrays'
import type { Pool } from '../core/holder/store-limits.ts'
import { MAILBOX_NAMESPACE } from '../core/mailbox/slots.ts'
import { PRESENCE_NAMESPACE } from '../core/presence.ts'
import { PREKEY_NAMESPACE } from '../core/x3dh/prekey.ts'
import { DHT_RECORD_PREFIX } from './record-sweeper.ts'

// What a key in a node's datastore holds, for the holder datastore's accounting. kad-dht
// stores a PUT record at `/dht/record/<base32 of the record key>`, and providers at
// `/dht/provider/...`; libp2p's peer store keeps each peer at `/peers/<id>`.

/** libp2p's peer store (@libp2p/peer-store); a tab keeps it in its DHT store. */
export const PEERS_PREFIX = '/peers'
/** kad-dht provider records (ADD_PROVIDER): Murmur uses none. */
export const PROVIDER_PREFIX = '/dht/provider'

export type StoredKind =
  | { kind: 'record', pool: Pool, namespace: string, recordKey: Uint8Array | undefined }
  | { kind: 'peer', pool: 'peers', namespace: 'peers' }
  | { kind: 'provider' }
  | { kind: 'other' }

const DIRECTORY = new Set([PRESENCE_NAMESPACE, PREKEY_NAMESPACE])

/** The DHT record key stored at a datastore key under /dht/record/, or undefined. */
export function recordKeyOf (key: Key | string): Uint8Array | undefined {
  const text = key.toString()
  if (!text.startsWith(`${DHT_RECORD_PREFIX}/`)) return undefined
  try {
    return fromString(text.slice(DHT_RECORD_PREFIX.length + 1), 'base32')
  } catch {
    return undefined
  }
}

/** A record key's namespace: its first path segment (`/murmur-presence/...`). */
export function namespaceOf (recordKey: Uint8Array): string {
  return new TextDecoder().decode(recordKey.subarray(0, 64)).split('/')[1] ?? ''
}

export function classifyKey (key: Key | string): StoredKind {
  const text = key.toString()
  if (text === PEERS_PREFIX || text.startsWith(`${PEERS_PREFIX}/`)) return { kind: 'peer', pool: 'peers', namespace: 'peers' }
  if (text.startsWith(`${PROVIDER_PREFIX}/`)) return { kind: 'provider' }
  if (!text.startsWith(`${DHT_RECORD_PREFIX}/`)) return { kind: 'other' }
  const recordKey = recordKeyOf(text)
  const namespace = recordKey === undefined ? 'unreadable' : namespaceOf(recordKey)
  // Only the three namespaces have validators, so only our own puts could store anything
  // else: it is counted beside presence records.
  const pool: Pool = namespace === MAILBOX_NAMESPACE ? 'mailbox' : 'directory'
  return { kind: 'record', pool, namespace: DIRECTORY.has(namespace) || pool === 'mailbox' ? namespace : 'other', recordKey }
}

/** The mailbox slot key a datastore key stores, or undefined for any other key. */
export function mailboxSlotOfDatastoreKey (key: Key): Uint8Array | undefined {
  const stored = classifyKey(key)
  if (stored.kind !== 'record' || stored.pool !== 'mailbox' || stored.recordKey === undefined) return undefined
  return stored.recordKey.length > MAILBOX_NAMESPACE.length + 2 ? stored.recordKey : undefined
}
