import type { ContactSessions } from '../core/session/types.ts'

/**
 * What the messenger keeps about itself, its contacts and its history, and the port it
 * needs from storage. src/store implements it on IndexedDB; test/unit/store runs one shared
 * suite against every implementation.
 */

export interface StoredProfile {
  publicKey: Uint8Array
  secretKey: Uint8Array
  name: string
  createdAt: number
  /** The long-term X25519 key, signed by the Ed25519 identity key (X3DH's IK for agreement). */
  dh: { publicKey: Uint8Array, secretKey: Uint8Array, signature: Uint8Array }
}

/** Our signed prekeys: the one published now, and retired ones kept for their grace period. */
export interface StoredPrekeys {
  current: { prekeyId: number, secretKey: Uint8Array, record: Uint8Array, createdAt: number }
  retired: Array<{ prekeyId: number, secretKey: Uint8Array, retiredAt: number }>
}

export interface StoredContact {
  /** Printable user id (src/core/user-id.ts); the primary key. */
  userId: string
  publicKey: Uint8Array
  name: string
  /** Relays the contact said it uses (from its invite). */
  relays: string[]
  addedAt: number
  /** Their signed prekey record, from their invite or the DHT: how a first message is encrypted. */
  prekeyRecord?: Uint8Array
  /** Their X25519 identity key as first seen; a different one later is never accepted silently. */
  dhIdentityKey?: Uint8Array
  /** A different X25519 identity key that arrived later, waiting for the person to accept it. */
  changedDhIdentityKey?: Uint8Array
  /** Set by the person after comparing safety numbers. */
  verified?: boolean
}

/** pending: accepted, not yet on the wire; sent: written to a direct link; delivered: receipt came back. */
export type MessageState = 'pending' | 'sent' | 'delivered'

export interface StoredMessage {
  /** Hex of the 16-byte message id: the same on both sides, so duplicates fold. */
  id: string
  contactId: string
  direction: 'in' | 'out'
  text: string
  sentAt: number
  state: MessageState
}

export interface MessengerStore {
  loadProfile: () => Promise<StoredProfile | undefined>
  saveProfile: (profile: StoredProfile) => Promise<void>
  listContacts: () => Promise<StoredContact[]>
  getContact: (userId: string) => Promise<StoredContact | undefined>
  putContact: (contact: StoredContact) => Promise<void>
  /** One conversation in display order: by sentAt, then id. */
  listMessages: (contactId: string) => Promise<StoredMessage[]>
  /** Stores a message unless one with its id exists; returns whether it was new. */
  addMessage: (message: StoredMessage) => Promise<boolean>
  /** Moves a message forward (pending -> sent -> delivered); never backwards. Returns the stored message. */
  advanceMessage: (id: string, state: MessageState) => Promise<StoredMessage | undefined>
  /**
   * Outgoing messages to a contact without a delivery receipt, oldest first: pending ones,
   * and sent ones whose receipt never came (the link may have died with them in flight).
   */
  undeliveredMessages: (contactId: string) => Promise<StoredMessage[]>
  loadPrekeys: () => Promise<StoredPrekeys | undefined>
  savePrekeys: (prekeys: StoredPrekeys) => Promise<void>
  /** encodeReplayCache bytes (src/core/x3dh/replay-cache.ts). */
  loadReplayCache: () => Promise<Uint8Array | undefined>
  saveReplayCache: (cache: Uint8Array) => Promise<void>
  loadSessions: (contactId: string) => Promise<ContactSessions | undefined>
  /** A sending step: the sessions are durable before the payload they produced leaves. */
  saveSessions: (contactId: string, sessions: ContactSessions) => Promise<void>
  /**
   * A receiving step, in ONE transaction: the sessions after decryption, the replay cache
   * when a session start was accepted, the contact when it is new or changed, and the
   * message (added unless its id is known). Returns whether the message was new. A receipt
   * leaves only after this resolves.
   */
  commitReceived: (step: ReceivedStep) => Promise<boolean>
  close: () => void
}

export interface ReceivedStep {
  contactId: string
  sessions: ContactSessions
  replayCache?: Uint8Array
  contact?: StoredContact
  message?: StoredMessage
}

const ORDER: Record<MessageState, number> = { pending: 0, sent: 1, delivered: 2 }

/** Delivery states only move forward: a late "sent" never hides a "delivered". */
export function isAdvance (from: MessageState, to: MessageState): boolean {
  return ORDER[to] > ORDER[from]
}

export function compareMessages (a: StoredMessage, b: StoredMessage): number {
  return a.sentAt - b.sentAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}
