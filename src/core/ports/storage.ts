import type { ContactSessions } from '../session/types.ts'
import type { MailboxWriterState } from '../mailbox/writer.ts'
import type {
  MessageState, StoredContact, StoredGroup, StoredGroupMessage, StoredMessage, StoredPrekeys, StoredProfile
} from './records.ts'

/**
 * The storage ports: several narrow stores rather than one wide one, so each service names
 * exactly what it reads and writes. src/store implements all of them on IndexedDB (sealed
 * at rest) and in memory; test/unit/store runs one shared suite against both.
 */

export interface ProfileStore {
  loadProfile: () => Promise<StoredProfile | undefined>
  saveProfile: (profile: StoredProfile) => Promise<void>
}

export interface ContactStore {
  listContacts: () => Promise<StoredContact[]>
  getContact: (userId: string) => Promise<StoredContact | undefined>
  putContact: (contact: StoredContact) => Promise<void>
  /**
   * Forgets a contact (or a message request) in ONE transaction: the record, its sessions,
   * its mailbox writer state and its whole conversation.
   */
  deleteContact: (userId: string) => Promise<void>
}

/** One conversation's messages, both directions. */
export interface HistoryStore {
  /** One conversation in display order: by sentAt, then id. */
  listMessages: (contactId: string) => Promise<StoredMessage[]>
  /** Stores a message unless one with its id exists; returns whether it was new. */
  addMessage: (message: StoredMessage) => Promise<boolean>
  hasMessage: (id: string) => Promise<boolean>
  /**
   * Moves a message forward (isAdvance); never backwards. `holders` is recorded with a move
   * to (or a repeat of) "stored". Returns the stored message.
   */
  advanceMessage: (id: string, state: MessageState, holders?: number) => Promise<StoredMessage | undefined>
  /**
   * A contact's receipt: moves forward (as advanceMessage) only a message WE sent to
   * `contactId`. Any other message, theirs or ours to someone else, is left as it is and
   * undefined returned: a contact's receipt speaks only for messages it received.
   */
  advanceOnReceipt: (contactId: string, id: string, state: 'delivered' | 'read') => Promise<StoredMessage | undefined>
  /** Removes messages by id (locally; nobody is told). Unknown ids are skipped. */
  deleteMessages: (ids: string[]) => Promise<void>
  /** Incoming messages of a contact not yet marked read, oldest first. */
  unreadMessages: (contactId: string) => Promise<StoredMessage[]>
}

/** What the outbox needs beyond the history: what still waits, and the mailbox records it wrote. */
export interface OutboxStore {
  /**
   * Outgoing messages to a contact without a delivery receipt, oldest first: pending ones,
   * and sent or stored ones whose receipt never came (the link may have died with them in
   * flight). Failed ones wait for "Retry".
   */
  undeliveredMessages: (contactId: string) => Promise<StoredMessage[]>
  /** "Retry" on a failed message: back to pending, its retention restarted at `now`. */
  requeueMessage: (id: string, now: number) => Promise<StoredMessage | undefined>
  /** What we keep about the mailbox records we write for a contact (src/core/mailbox/writer.ts). */
  loadMailboxWriter: (contactId: string) => Promise<MailboxWriterState | undefined>
  saveMailboxWriter: (contactId: string, state: MailboxWriterState) => Promise<void>
}

/** Small sealed settings of the profile (read receipts, the last drained epoch). */
export interface SettingStore {
  loadSetting: <T>(key: string) => Promise<T | undefined>
  saveSetting: (key: string, value: unknown) => Promise<void>
}

/** Our signed prekeys and the replay cache of session starts made to them. */
export interface PrekeyStore {
  loadPrekeys: () => Promise<StoredPrekeys | undefined>
  savePrekeys: (prekeys: StoredPrekeys) => Promise<void>
  /** encodeReplayCache bytes (src/core/x3dh/replay-cache.ts). */
  loadReplayCache: () => Promise<Uint8Array | undefined>
  saveReplayCache: (cache: Uint8Array) => Promise<void>
}

/** Receiving steps, in ONE transaction; see SessionStore.commitReceived. */
export interface ReceivedStep {
  contactId: string
  sessions: ContactSessions
  replayCache?: Uint8Array
  contact?: StoredContact
  messages?: StoredMessage[]
}

/** The Double Ratchet sessions per contact. */
export interface SessionStore {
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
}

export interface GroupStore {
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
}

/** Every port of one profile's database, as an adapter provides them. */
export interface MessengerStore extends ProfileStore, ContactStore, HistoryStore, OutboxStore, SettingStore, PrekeyStore, SessionStore, GroupStore {
  close: () => void
}
