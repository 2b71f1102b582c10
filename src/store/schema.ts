import type { DBSchema } from 'idb'
import type { MessageState } from '../core/ports/index.ts'
import type { KeyRecord } from './storage-key.ts'
import type { RotationMarker } from './key-rotation.ts'

/**
 * The whole IndexedDB schema of a profile in one typed file. Versions step forward in
 * `upgrade` (src/store/open.ts); a released step is never edited, the next one is added.
 *
 * Everything a person wrote or knows is sealed (AES-256-GCM, src/store/record-sealer.ts).
 * What stays readable is what indexes need: random message ids, blinded conversation
 * references (an HMAC of the contact id under the storage key), send times and delivery
 * states. docs/ARCHITECTURE.md says what that reveals.
 */
export interface MurmurDB extends DBSchema {
  /**
   * The wrapped storage key: the only record not sealed by it. While the key is being
   * replaced, 'rotation' holds the old and new wrappings and the stores re-sealed so far
   * (src/store/key-rotation.ts).
   */
  keys: {
    key: 'storage' | 'rotation'
    value: KeyRecord | RotationMarker
  }
  /** Sealed singletons: the profile, own prekeys, the replay cache, settings. */
  kv: {
    key: string
    value: Uint8Array
  }
  contacts: {
    key: string
    value: { ref: string, sealed: Uint8Array }
  }
  sessions: {
    key: string
    value: { ref: string, sealed: Uint8Array }
  }
  messages: {
    key: string
    value: SealedMessageRow
    indexes: {
      /** [conv, sentAt]: one conversation in time order. */
      'by-conversation': [string, number]
      /** [conv, state]: what still waits for a receipt. */
      'by-state': [string, string]
    }
  }
  /** Since version 2: one sealed record per group, by blinded group id. */
  groups: {
    key: string
    value: { ref: string, sealed: Uint8Array }
  }
  /** Since version 2: group messages, by content id; the order fields stay readable. */
  groupMessages: {
    key: string
    value: SealedGroupMessageRow
    indexes: {
      /** [conv, clock]: one group's history in (clock, id) order. */
      'by-group': [string, number]
    }
  }
}

export interface SealedGroupMessageRow {
  id: string
  /** Blinded group id. */
  conv: string
  clock: number
  sealed: Uint8Array
}

export interface SealedMessageRow {
  id: string
  /** Blinded contact id. */
  conv: string
  sentAt: number
  state: MessageState
  direction: 'in' | 'out'
  /** Outgoing and stored: how many peers hold it (a count, shown to the person). */
  holders?: number
  retriedAt?: number
  sealed: Uint8Array
}

export const SCHEMA_VERSION = 2
