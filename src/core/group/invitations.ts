import type { GroupState } from './group-state.ts'

// Group invitations from people who are not contacts (docs/SECURITY.md, "Who reaches me"):
// held as requests until the person joins or declines, never applied on arrival, since a
// stranger's state would make every member it names a contact the network half looks for.
// Anyone can send them, so they are bounded: a few per inviter and a few in all. When full,
// a new one is refused and the held ones stay: a flood cannot push out an invitation the
// person has not seen yet. A newer state of a group already held replaces the old one.

/** Invitations held from one inviter. */
export const MAX_INVITATIONS_PER_INVITER = 3
/** Invitations held in all. */
export const MAX_INVITATIONS = 20

export interface PendingInvitation {
  /** Who sent the state: the group's admin, and not a contact of ours. */
  from: string
  groupId: string
  /** The state as it came (decoded and checked on arrival). */
  state: GroupState
  receivedAt: number
}

export type HoldResult =
  | { ok: true, invitations: PendingInvitation[] }
  | { ok: false, reason: 'per-inviter' | 'full' }

/** `held` with `invitation` added, or replacing the one of the same group from the same inviter. */
export function holdInvitation (held: readonly PendingInvitation[], invitation: PendingInvitation): HoldResult {
  const same = (i: PendingInvitation): boolean => i.from === invitation.from && i.groupId === invitation.groupId
  const previous = held.find(same)
  if (previous != null) {
    // Only a newer state replaces the held one: a replay of an old one changes nothing.
    if (invitation.state.epoch <= previous.state.epoch) return { ok: true, invitations: [...held] }
    return { ok: true, invitations: held.map((i) => same(i) ? invitation : i) }
  }
  if (held.filter((i) => i.from === invitation.from).length >= MAX_INVITATIONS_PER_INVITER) return { ok: false, reason: 'per-inviter' }
  if (held.length >= MAX_INVITATIONS) return { ok: false, reason: 'full' }
  return { ok: true, invitations: [...held, invitation] }
}

/** `held` without the invitations that `drop` picks. */
export function dropInvitations (held: readonly PendingInvitation[], drop: (i: PendingInvitation) => boolean): PendingInvitation[] {
  return held.filter((i) => !drop(i))
}
