import type { StoredContact, StoredMessage } from './ports/records.ts'

/**
 * Who may reach us (docs/SECURITY.md, "Who reaches me"): someone who writes first without
 * being our contact lands in "Message requests" until the person accepts; blocked people
 * are dropped on arrival. Requests are bounded, since anyone who finds our ID can make one:
 * a cap on pending requests and on the messages kept per request, the oldest dropped first.
 * Pure rules; src/app/inbox.ts and src/app/requests.ts apply them.
 */

/** Pending message requests kept at once; a new one past this drops the oldest request. */
export const REQUESTS_MAX = 50
/** Messages kept per pending request; past this the oldest are dropped. */
export const REQUEST_MESSAGES_MAX = 20
/** People blocked at once: the list is a setting, sealed, read on every arrival. */
export const BLOCKED_MAX = 1000

/** An accepted contact: not a pending request. */
export const isContact = (c: StoredContact | undefined): c is StoredContact => c != null && c.request !== true

/** The name we show: the person's own name for them wins over the one they (or a group admin) offered. */
export const displayName = (c: Pick<StoredContact, 'name' | 'localName'>): string => c.localName ?? c.name

/**
 * Requests to drop so that, counting `incoming` new ones, at most `max` stay: the oldest
 * first (by addedAt, then id, so every tab picks the same ones).
 */
export function requestsToDrop (pending: StoredContact[], incoming = 1, max = REQUESTS_MAX): string[] {
  const requests = pending.filter((c) => c.request === true)
    .sort((a, b) => a.addedAt - b.addedAt || (a.userId < b.userId ? -1 : 1))
  const excess = requests.length + incoming - max
  return excess <= 0 ? [] : requests.slice(0, excess).map((c) => c.userId)
}

/** Message ids of a request to drop so that at most `max` stay: the oldest (display order) first. */
export function requestMessagesToDrop (messages: StoredMessage[], max = REQUEST_MESSAGES_MAX): string[] {
  const excess = messages.length - max
  return excess <= 0 ? [] : messages.slice(0, excess).map((m) => m.id)
}

/** The blocked list after blocking `userId`: once, newest last, at most `max` (the oldest block falls off). */
export function withBlocked (blocked: readonly string[], userId: string, max = BLOCKED_MAX): string[] {
  const next = [...blocked.filter((id) => id !== userId), userId]
  return next.slice(Math.max(0, next.length - max))
}

export const withoutBlocked = (blocked: readonly string[], userId: string): string[] => blocked.filter((id) => id !== userId)
