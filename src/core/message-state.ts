import type { MessageState, StoredMessage } from './ports/records.ts'

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

/** A conversation's display order: send time, then id (two tabs may write in one millisecond). */
export function compareMessages (a: StoredMessage, b: StoredMessage): number {
  return a.sentAt - b.sentAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

/** A group's render order (src/core/group/causal-order.ts): Lamport clock, then content id. */
export function compareGroupMessages (a: { clock: number, id: string }, b: { clock: number, id: string }): number {
  return a.clock - b.clock || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}
