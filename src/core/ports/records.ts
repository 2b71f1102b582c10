import type { GroupState, MembershipEvent, SenderKey, SenderKeyReceiver } from '../group/index.ts'

/**
 * What a profile keeps about itself, its contacts and its history: the records the storage
 * ports (./storage.ts) read and write. src/store seals them at rest.
 */

export interface StoredProfile {
  publicKey: Uint8Array
  secretKey: Uint8Array
  name: string
  createdAt: number
  /** The long-term X25519 key, signed by the Ed25519 identity key (X3DH's IK for agreement). */
  dh: { publicKey: Uint8Array, secretKey: Uint8Array, signature: Uint8Array }
  /**
   * Never read any more: the one permanent invitation secret profiles had before each invite
   * got its own (src/core/invite-secrets.ts). Left in old records; its slots are not read.
   */
  mailboxSecret?: Uint8Array
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
  /** The name they (or the admin of a group we share) offered; their latest message updates it. */
  name: string
  /** The person's own name for them (src/core/requests.ts displayName): wins over `name`; absent falls back. */
  localName?: string
  /**
   * A message request: they wrote first and the person has not accepted them. Not a
   * contact: not watched, not told our push token, no read receipts (src/core/requests.ts).
   */
  request?: boolean
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
  /** Never read any more: the permanent secret of an old (version 2) invite, whose slots nobody reads. */
  mailboxSecret?: Uint8Array
  /** The secret of the invite of theirs we opened (version 3): where first messages wait while they are away. */
  inviteSecret?: Uint8Array
  /** They have written to us, so they know our keys and read the mailbox slots of the pair. */
  knowsUs?: boolean
  /**
   * How to wake them (their chat payload kind 4, src/app/push/push-sharing.ts): after writing to
   * their mailbox we poke `gateway` with `token`; both empty when they withdrew it. `sentAt`
   * orders their notes.
   */
  push?: { gateway: string, token: string, sentAt: number }
}

/**
 * Outgoing: pending (queued: accepted, not yet out), sent (written to a direct link), stored
 * (waiting in the contact's mailbox on other peers), delivered (their receipt came back),
 * read (they saw it and share that), failed (no receipt within the retention period).
 * Incoming: delivered, then read once shown.
 */
export type MessageState = 'pending' | 'sent' | 'stored' | 'delivered' | 'read' | 'failed'

export interface StoredMessage {
  /** Hex of the 16-byte message id: the same on both sides, so duplicates fold. */
  id: string
  contactId: string
  direction: 'in' | 'out'
  text: string
  sentAt: number
  state: MessageState
  /** Outgoing and stored: how many peers took the mailbox record that holds it. */
  holders?: number
  /** When "Retry" put a failed message back in the queue: its retention counts from then. */
  retriedAt?: number
  /**
   * Outgoing group control (src/core/group/group-control.ts) riding the 1:1 outbox for its
   * receipts, retries and mailboxes; never shown in the conversation. `text` is empty.
   */
  control?: Uint8Array
}

/** One group as this profile knows it. */
export interface StoredGroup {
  state: GroupState
  /**
   * Our sender key, once made: `initial` is its first distribution and `members` who were
   * in the group then, so a member who asks again (a key lost on the way) can read from
   * the start of it, and nobody added later can.
   */
  senderKey?: { epoch: number, key: SenderKey, createdAt: number, initial: Uint8Array, members: string[] }
  /** Other members' sender keys, by signing public key (hex). */
  receivers: Record<string, { author: string, epoch: number, receiver: SenderKeyReceiver }>
  /** Sender keys that came before a state naming their sender as a member (bounded). */
  pendingKeys: Array<{ from: string, epoch: number, distribution: Uint8Array }>
  /** We left or were removed: the history stays, the topic and keys are gone. */
  removed?: boolean
  joinedAt: number
  /** The log's status lines ("Ann added Dan"), oldest first, bounded; local only. */
  events?: MembershipEvent[]
}

/** A group message as stored: the signed, sealed message itself, and what it said once read. */
export interface StoredGroupMessage {
  /** Content hash (64 hex digits): the same for every member. */
  id: string
  groupId: string
  author: string
  clock: number
  /** encodeGroupMessage bytes: what sync hands to other members. */
  encoded: Uint8Array
  text?: string
  sentAt?: number
  /** Why `text` is missing: the sender key has not reached us yet, or it was sent before we joined. */
  unreadable?: 'waiting-key' | 'before-join'
}
