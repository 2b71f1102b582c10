import { ReasonedError } from '../../core/errors.ts'
import type { GroupMember } from '../../core/group/index.ts'
import type { GroupStore, GroupTransport, SettingStore } from '../../core/ports/index.ts'
import type { ComponentLogger, EventSink } from '../../diagnostics/index.ts'
import type { ChangeBus } from '../change-bus.ts'
import { withLock } from '../locks.ts'

export type GroupErrorReason =
  | 'empty' | 'too-long' | 'broken-text' // a message refused before it was stored
  | 'no-group' // no group with that id
  | 'not-member' // we left or were removed
  | 'no-members' // a new group needs someone besides us
  | 'remove-self' // the admin removing themselves (leaving is "Leave group")
  | 'not-admin' // only the admin adds and removes members
  | 'invitations-full' // an invitation from a non-contact past the bounds (src/core/group/invitations.ts)

/** A group action refused; the UI words it by `reason` (src/ui/i18n/errors.ts). */
export class GroupError extends ReasonedError<GroupErrorReason> {
  override name = 'GroupError'
}

/** What the group services use of the rest of the app. */
export interface GroupsComponents {
  store: GroupStore & SettingStore
  /** Our user id and display name, as members know us. */
  self: { userId: string, name: string }
  /** The network half, once it is loaded. */
  network: () => GroupTransport | undefined
  /** Sends a control message over the 1:1 session (through the outbox: receipts, retries, mailboxes). */
  sendControl: (userId: string, control: Uint8Array) => Promise<void>
  /** Makes sure a member we never met is a contact we can hold a session with. */
  ensureMember: (member: GroupMember) => Promise<void>
  /** Whether `userId` is an accepted contact (not a message request, not a stranger). */
  knows: (userId: string) => Promise<boolean>
  /** Whether `userId` is a contact, a message request, or neither (deleted, blocked, never met). */
  standing: (userId: string) => Promise<'contact' | 'request' | 'none'>
  /** Someone who is not a contact invited us: they are a message request now, if they were not. */
  invitedBy: (userId: string, name: string) => Promise<void>
  /** The person joined a group `userId` invited them to: `userId` is a contact now. */
  acceptInviter: (userId: string) => Promise<void>
  bus: ChangeBus
  events: EventSink
  logger: ComponentLogger
  now?: () => number
}

/**
 * Every change to a group runs under its Web Lock and reads the record from the store
 * first, so tabs of one profile take turns.
 */
export async function withGroupLock<T> (groupId: string, fn: () => Promise<T>): Promise<T> {
  return withLock(`murmur:group:${groupId}`, fn)
}

export function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}
