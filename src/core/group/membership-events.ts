import { isMember, memberName, type GroupState } from './group-state.ts'

// The status lines of a group's log ("Ann added Dan", "Dan is no longer in the group"): what
// changed between two states as one member saw it, kept locally beside the group record.
// They are never sent: each member derives its own from the states the admin sends. A state
// says who is in, not why someone went, so a member who only sees the new state says "no
// longer in the group"; the admin (who applied it) and the member who went know more and say
// "left" or "removed".

export type MembershipEvent =
  | { type: 'created', at: number, by: string, byName: string }
  | { type: 'added', at: number, by: string, byName: string, who: string, whoName: string }
  | { type: 'removed', at: number, by: string, byName: string, who: string, whoName: string }
  | { type: 'left', at: number, who: string, whoName: string }
  | { type: 'gone', at: number, who: string, whoName: string }
  | { type: 'admin', at: number, who: string, whoName: string }

/** Lines kept per group; past this the oldest go (the messages themselves stay). */
export const MAX_MEMBERSHIP_EVENTS = 200

/** Why members went, where the caller knows: a member's own leave, or the admin removing them. */
export type Departure = 'left' | 'removed'

const nameIn = (states: Array<GroupState | undefined>, userId: string): string => {
  for (const s of states) {
    const name = s == null ? undefined : memberName(s, userId)
    if (name != null) return name
  }
  return userId.slice(0, 10)
}

/**
 * The lines for going from `before` (undefined: we just joined, or made the group) to `after`.
 * `departure` says why whoever went went, when the caller knows it.
 */
export function membershipEvents (before: GroupState | undefined, after: GroupState, self: string, at: number, departure?: Departure): MembershipEvent[] {
  const by = before?.admin ?? after.admin
  const byName = nameIn([before, after], by)
  if (before == null) {
    return by === self
      ? [{ type: 'created', at, by, byName }]
      : [{ type: 'added', at, by, byName, who: self, whoName: nameIn([after], self) }]
  }
  const events: MembershipEvent[] = []
  for (const m of after.members) {
    if (!isMember(before, m.userId)) events.push({ type: 'added', at, by, byName, who: m.userId, whoName: m.name })
  }
  for (const m of before.members) {
    if (isMember(after, m.userId)) continue
    if (departure === 'left') events.push({ type: 'left', at, who: m.userId, whoName: m.name })
    else if (departure === 'removed') events.push({ type: 'removed', at, by, byName, who: m.userId, whoName: m.name })
    else events.push({ type: 'gone', at, who: m.userId, whoName: m.name })
  }
  if (after.admin !== before.admin) events.push({ type: 'admin', at, who: after.admin, whoName: nameIn([after], after.admin) })
  return events
}

/** `events` with `added` after them, at most MAX_MEMBERSHIP_EVENTS (the newest). */
export function appendEvents (events: readonly MembershipEvent[] | undefined, added: readonly MembershipEvent[]): MembershipEvent[] {
  const all = [...(events ?? []), ...added]
  return all.length > MAX_MEMBERSHIP_EVENTS ? all.slice(all.length - MAX_MEMBERSHIP_EVENTS) : all
}
