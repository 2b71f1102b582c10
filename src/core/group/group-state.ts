import { concat, toString } from 'uint8arrays'
import { randomBytes, sha256, type RandomSource } from '../../crypto/index.ts'
import { Reader, utf8, Writer } from '../codec.ts'
import { DecodeError } from '../errors.ts'
import { normalizeDisplayName, NAME_MAX_BYTES } from '../text-rules.ts'
import { decodeUserId, USER_ID_LENGTH } from '../user-id.ts'
import { GroupStateError } from './errors.ts'

// Who is in a group, as its admin last said. Membership is decided by one member, the admin
// (whoever created the group, until they hand it on when leaving): every state is sent by
// the admin over the 1:1 sessions, so it is as authentic as those sessions, and two states
// of one epoch can never disagree. Members may leave on their own; only the admin adds and
// removes. A removal starts a new epoch with a new secret (so a new gossip topic) and every
// remaining member makes a new sender key: the removed member reads nothing sent after it.

export const GROUP_ID_BYTES = 16
export const GROUP_SECRET_BYTES = 32
/** Members per group: the state travels in one session payload, and sender keys go out pairwise. */
export const MAX_GROUP_MEMBERS = 32
const STATE_VERSION = 1
const TOPIC_CONTEXT = 'murmur/group/topic/v1'

export interface GroupMember {
  readonly userId: string
  /** The display name the admin knows them by. */
  readonly name: string
}

export interface GroupState {
  /** 32 lowercase hex digits, random, fixed for the group's life. */
  readonly groupId: string
  readonly name: string
  readonly admin: string
  /** Starts at 1; every change of membership or name adds one. */
  readonly epoch: number
  /** Names the gossip topic; new at every removal. */
  readonly secret: Uint8Array
  /** Sorted by user id, each once, the admin among them. */
  readonly members: readonly GroupMember[]
}

const isGroupId = (id: unknown): id is string => typeof id === 'string' && /^[0-9a-f]{32}$/.test(id)

function isUserId (id: unknown): id is string {
  if (typeof id !== 'string' || id.length !== USER_ID_LENGTH) return false
  try {
    decodeUserId(id)
    return true
  } catch {
    return false
  }
}

/** Checks every rule a state must keep; throws GroupStateError naming the first it breaks. */
export function assertGroupState (s: GroupState): void {
  if (!isGroupId(s.groupId)) throw new GroupStateError('malformed', { field: 'groupId' })
  if (normalizeDisplayName(s.name) !== s.name) throw new GroupStateError('malformed', { field: 'name' })
  if (!Number.isSafeInteger(s.epoch) || s.epoch < 1) throw new GroupStateError('malformed', { field: 'epoch' })
  if (!(s.secret instanceof Uint8Array) || s.secret.length !== GROUP_SECRET_BYTES) throw new GroupStateError('malformed', { field: 'secret' })
  if (!Array.isArray(s.members) || s.members.length === 0) throw new GroupStateError('malformed', { field: 'members' })
  if (s.members.length > MAX_GROUP_MEMBERS) throw new GroupStateError('too-many-members', { field: 'members' })
  for (let i = 0; i < s.members.length; i++) {
    const m = s.members[i]!
    if (!isUserId(m.userId) || normalizeDisplayName(m.name) !== m.name) throw new GroupStateError('malformed', { field: 'members' })
    if (i > 0 && s.members[i - 1]!.userId >= m.userId) throw new GroupStateError('malformed', { field: 'members' })
  }
  if (!isMember(s, s.admin)) throw new GroupStateError('admin-not-member', { field: 'admin' })
}

export const isMember = (s: GroupState, userId: string): boolean => s.members.some((m) => m.userId === userId)

export function memberName (s: GroupState, userId: string): string | undefined {
  return s.members.find((m) => m.userId === userId)?.name
}

/** The gossip topic of an epoch's secret: knowing the topic tells nothing about the secret. */
export function groupTopic (state: Pick<GroupState, 'secret'>): string {
  return `/murmur/group/1/${toString(sha256(concat([utf8(TOPIC_CONTEXT), state.secret])), 'hex')}`
}

function sortedMembers (members: readonly GroupMember[]): GroupMember[] {
  const byId = new Map<string, GroupMember>()
  for (const m of members) byId.set(m.userId, { userId: m.userId, name: m.name })
  return [...byId.values()].sort((a, b) => (a.userId < b.userId ? -1 : 1))
}

/** A new group with us as admin; throws GroupStateError on a bad name or member list. */
export function createGroupState (name: string, admin: GroupMember, members: readonly GroupMember[], random: RandomSource = randomBytes): GroupState {
  const trimmed = normalizeDisplayName(name)
  if (trimmed === undefined) throw new GroupStateError('malformed', { field: 'name' })
  const state: GroupState = {
    groupId: toString(random(GROUP_ID_BYTES), 'hex'),
    name: trimmed,
    admin: admin.userId,
    epoch: 1,
    secret: Uint8Array.from(random(GROUP_SECRET_BYTES)),
    members: sortedMembers([admin, ...members])
  }
  assertGroupState(state)
  return state
}

/** Adding keeps the secret: a new member gets sender keys at their current position, so reads nothing earlier. */
export function withMemberAdded (state: GroupState, member: GroupMember): GroupState {
  if (isMember(state, member.userId)) throw new GroupStateError('already-member', { field: 'members' })
  const next = { ...state, epoch: state.epoch + 1, members: sortedMembers([...state.members, member]) }
  assertGroupState(next)
  return next
}

/**
 * Removing (or a member leaving) makes a new secret. When the admin itself goes, the role
 * passes to the remaining member with the lowest user id: a rule every member can check.
 */
export function withMemberRemoved (state: GroupState, userId: string, random: RandomSource = randomBytes): GroupState {
  if (!isMember(state, userId)) throw new GroupStateError('not-member', { field: 'members' })
  const members = state.members.filter((m) => m.userId !== userId)
  if (members.length === 0) throw new GroupStateError('last-member', { field: 'members' })
  const admin = userId === state.admin ? members[0]!.userId : state.admin
  const next = { ...state, admin, epoch: state.epoch + 1, secret: Uint8Array.from(random(GROUP_SECRET_BYTES)), members }
  assertGroupState(next)
  return next
}

export type StateVerdict = 'apply' | 'same'

/**
 * Whether a state `from` sent us replaces the one we have. Only the admin of the state we
 * hold speaks for the group (an admin handing on the role still sends that state itself);
 * an older or conflicting epoch is refused. Throws GroupStateError; returns 'same' for a
 * repeat, which changes nothing.
 */
export function judgeStateUpdate (current: GroupState | undefined, incoming: GroupState, from: string): StateVerdict {
  assertGroupState(incoming)
  const speaker = current?.admin ?? incoming.admin
  if (from !== speaker) throw new GroupStateError('not-admin', { field: 'admin' })
  if (current == null) return 'apply'
  if (current.groupId !== incoming.groupId) throw new GroupStateError('malformed', { field: 'groupId' })
  if (incoming.epoch > current.epoch) return 'apply'
  if (incoming.epoch === current.epoch && toString(encodeGroupState(incoming), 'hex') === toString(encodeGroupState(current), 'hex')) return 'same'
  throw new GroupStateError('stale', { field: 'epoch' })
}

export function encodeGroupState (s: GroupState): Uint8Array {
  assertGroupState(s)
  const w = new Writer().u8(STATE_VERSION).string(s.groupId).string(s.name).string(s.admin).uvarint(s.epoch).bytes(s.secret).uvarint(s.members.length)
  for (const m of s.members) w.string(m.userId).string(m.name)
  return w.finish()
}

/** Reads a state from `r` (no trailing check): for payloads that carry one among other fields. */
export function readGroupState (r: Reader): GroupState {
  if (r.u8('version') !== STATE_VERSION) throw new DecodeError('version', 'unknown group state version')
  const groupId = r.string('groupId', { maxBytes: GROUP_ID_BYTES * 2 })
  const name = r.string('name', { maxBytes: NAME_MAX_BYTES })
  const admin = r.string('admin', { maxBytes: USER_ID_LENGTH })
  const epoch = r.uvarint('epoch')
  const secret = r.bytes('secret', { max: GROUP_SECRET_BYTES, exact: GROUP_SECRET_BYTES })
  const count = r.count('members', MAX_GROUP_MEMBERS)
  const members: GroupMember[] = []
  for (let i = 0; i < count; i++) members.push({ userId: r.string('members', { maxBytes: USER_ID_LENGTH }), name: r.string('members', { maxBytes: NAME_MAX_BYTES }) })
  return { groupId, name, admin, epoch, secret, members }
}

export function decodeGroupState (bytes: Uint8Array): GroupState {
  try {
    const r = new Reader(bytes)
    const state = readGroupState(r)
    r.done('state')
    assertGroupState(state)
    return state
  } catch (err) {
    if (err instanceof DecodeError) throw new GroupStateError('malformed', { field: err.field, cause: err })
    throw err
  }
}
