import type { ContactSessions } from '../core/session/types.ts'
import type { MailboxWriterState } from '../core/mailbox/writer.ts'
import type { GroupState, SenderKey, SenderKeyReceiver } from '../core/group/index.ts'

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
  /**
   * Our invitation secret: in every invite we hand out, it names the mailbox slots where
   * people who are not our contacts yet leave first messages. Profiles made before mailboxes
   * get one when they next load.
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
  /** Their invitation secret, from their invite: where first messages wait while they are away. */
  mailboxSecret?: Uint8Array
  /** They have written to us, so they know our keys and read the mailbox slots of the pair. */
  knowsUs?: boolean
  /**
   * How to wake them (their chat payload kind 4, src/app/push-sharing.ts): after writing to
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
  /**
   * Moves a message forward (isAdvance); never backwards. `holders` is recorded with a move
   * to (or a repeat of) "stored". Returns the stored message.
   */
  advanceMessage: (id: string, state: MessageState, holders?: number) => Promise<StoredMessage | undefined>
  /** "Retry" on a failed message: back to pending, its retention restarted at `now`. */
  requeueMessage: (id: string, now: number) => Promise<StoredMessage | undefined>
  hasMessage: (id: string) => Promise<boolean>
  /**
   * Outgoing messages to a contact without a delivery receipt, oldest first: pending ones,
   * and sent or stored ones whose receipt never came (the link may have died with them in
   * flight). Failed ones wait for "Retry".
   */
  undeliveredMessages: (contactId: string) => Promise<StoredMessage[]>
  /** Incoming messages of a contact not yet marked read, oldest first. */
  unreadMessages: (contactId: string) => Promise<StoredMessage[]>
  /** What we keep about the mailbox records we write for a contact (src/core/mailbox/writer.ts). */
  loadMailboxWriter: (contactId: string) => Promise<MailboxWriterState | undefined>
  saveMailboxWriter: (contactId: string, state: MailboxWriterState) => Promise<void>
  /** Small sealed settings of the profile (read receipts, the last drained epoch). */
  loadSetting: <T>(key: string) => Promise<T | undefined>
  saveSetting: (key: string, value: unknown) => Promise<void>
  loadPrekeys: () => Promise<StoredPrekeys | undefined>
  savePrekeys: (prekeys: StoredPrekeys) => Promise<void>
  /** encodeReplayCache bytes (src/core/x3dh/replay-cache.ts). */
  loadReplayCache: () => Promise<Uint8Array | undefined>
  saveReplayCache: (cache: Uint8Array) => Promise<void>
  loadSessions: (contactId: string) => Promise<ContactSessions | undefined>
  /** A sending step: the sessions are durable before the payload they produced leaves. */
  saveSessions: (contactId: string, sessions: ContactSessions) => Promise<void>
  /**
   * Receiving steps, in ONE transaction: the sessions after decrypting one payload or a
   * batch of them (a mailbox slot's), the replay cache when a session start was accepted,
   * the contact when it is new or changed, and the messages (each added unless its id is
   * known). Returns the messages that were new, in the order given. All or nothing: a
   * failure anywhere leaves every store as it was. A receipt leaves only after this resolves.
   */
  commitReceived: (step: ReceivedStep) => Promise<StoredMessage[]>
  listGroups: () => Promise<StoredGroup[]>
  getGroup: (groupId: string) => Promise<StoredGroup | undefined>
  /** In render order: clock, then id. */
  listGroupMessages: (groupId: string) => Promise<StoredGroupMessage[]>
  /**
   * The group (when given) and messages (added, or replaced by id) in ONE transaction, strict
   * unless `relaxed`: received messages may be (any member hands them over again by sync),
   * our own sends and key changes may not (a sender key position must never be used twice).
   */
  commitGroup: (group: StoredGroup | undefined, messages: StoredGroupMessage[], options?: { relaxed?: boolean }) => Promise<void>
  close: () => void
}

export interface ReceivedStep {
  contactId: string
  sessions: ContactSessions
  replayCache?: Uint8Array
  contact?: StoredContact
  messages?: StoredMessage[]
}

const ORDER: Record<Exclude<MessageState, 'failed'>, number> = { pending: 0, sent: 1, stored: 2, delivered: 3, read: 4 }

/**
 * Delivery states only move forward: a late "sent" never hides a "delivered". A message that
 * is not delivered yet can fail; a receipt that comes after all still counts.
 */
export function isAdvance (from: MessageState, to: MessageState): boolean {
  if (to === 'failed') return from === 'pending' || from === 'sent' || from === 'stored'
  if (from === 'failed') return to === 'delivered' || to === 'read'
  return ORDER[to] > ORDER[from]
}

/** States whose message still waits for a receipt and is worth sending again. */
export const UNDELIVERED_STATES: readonly MessageState[] = ['pending', 'sent', 'stored']

export function compareMessages (a: StoredMessage, b: StoredMessage): number {
  return a.sentAt - b.sentAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

export function compareGroupMessages (a: { clock: number, id: string }, b: { clock: number, id: string }): number {
  return a.clock - b.clock || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}
