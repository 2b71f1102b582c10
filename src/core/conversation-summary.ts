import type { StoredGroupMessage, StoredMessage } from './ports/records.ts'

/**
 * What the conversation list shows of a conversation without opening it: its newest message
 * (a one-line preview and its time) and which messages are not read yet. Built once from a
 * history, then moved on one message at a time as messages arrive or are read, so a change
 * never re-reads (and unseals) a whole history. Kept in memory only: preview text is never
 * stored outside the sealed history.
 */
export interface ConversationSummary {
  /** The newest message in display order; `text` is undefined when it cannot be read (yet). */
  readonly last?: SummaryItem
  /** Ids of messages not read yet. */
  readonly unread: ReadonlySet<string>
}

/** One message as a summary sees it. `order` is the display order: (time or clock, id). */
export interface SummaryItem {
  readonly id: string
  readonly order: readonly [number, string]
  /** When it was written (ms), shown beside the preview; 0 when unknown. */
  readonly at: number
  readonly text: string | undefined
  /** We wrote it. */
  readonly mine: boolean
  readonly unread: boolean
}

/** Where a person stopped reading a group: the display order of the last message seen. */
export type ReadMark = readonly [number, string]

export const EMPTY_SUMMARY: ConversationSummary = { unread: new Set() }

export function compareOrder (a: readonly [number, string], b: readonly [number, string]): number {
  return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)
}

/** The summary after one message was added or changed (a later state of the same id replaces it). */
export function applyItem (summary: ConversationSummary, item: SummaryItem): ConversationSummary {
  let unread = summary.unread
  if (item.unread !== unread.has(item.id)) {
    const next = new Set(unread)
    if (item.unread) next.add(item.id)
    else next.delete(item.id)
    unread = next
  }
  const last = summary.last == null || compareOrder(item.order, summary.last.order) >= 0 ? item : summary.last
  return last === summary.last && unread === summary.unread ? summary : { last, unread }
}

export function summarize (items: readonly SummaryItem[]): ConversationSummary {
  return items.reduce(applyItem, EMPTY_SUMMARY)
}

/** Everything read: the unread set emptied, the newest message kept. */
export function markAllRead (summary: ConversationSummary): ConversationSummary {
  return summary.unread.size === 0 ? summary : { last: summary.last, unread: new Set() }
}

/**
 * A one-to-one message as a summary item, or undefined when it is not shown (group control
 * riding the session). Unread: incoming and not yet marked read (the state is stored, so it
 * survives a reload).
 */
export function directItem (message: StoredMessage): SummaryItem | undefined {
  if (message.control != null) return undefined
  return {
    id: message.id,
    order: [message.sentAt, message.id],
    at: message.sentAt,
    text: message.text,
    mine: message.direction === 'out',
    unread: message.direction === 'in' && message.state === 'delivered'
  }
}

/**
 * A group message as a summary item, or undefined when it is not shown (sent before we
 * joined). Unread: someone else's, after the read mark. A message that arrives late with an
 * order before the mark (causal catch-up) counts as read.
 */
export function groupItem (message: StoredGroupMessage, self: string, mark: ReadMark | undefined): SummaryItem | undefined {
  if (message.unreadable === 'before-join') return undefined
  const order = [message.clock, message.id] as const
  return {
    id: message.id,
    order,
    at: message.sentAt ?? 0,
    text: message.text,
    mine: message.author === self,
    unread: message.author !== self && (mark == null || compareOrder(order, mark) > 0)
  }
}

/** Items that are not shown dropped. */
export function shownItems<M> (messages: readonly M[], toItem: (m: M) => SummaryItem | undefined): SummaryItem[] {
  return messages.map(toItem).filter((i): i is SummaryItem => i != null)
}

/**
 * The conversation list's order: latest activity first (the newest message's time, else
 * `since`, e.g. when the contact was added), then by name so the order is stable.
 */
export function byActivity<T> (entries: readonly T[], activity: (entry: T) => number, name: (entry: T) => string): T[] {
  return [...entries].sort((a, b) => activity(b) - activity(a) || name(a).localeCompare(name(b)))
}

/** Total unread over every conversation: the number in the tab's title. */
export function totalUnread (summaries: Iterable<ConversationSummary>): number {
  let total = 0
  for (const s of summaries) total += s.unread.size
  return total
}
