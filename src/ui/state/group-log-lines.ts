import type { MembershipEvent } from '../../core/group/index.ts'
import type { StoredGroupMessage } from '../../core/ports/index.ts'
import type { Translate } from '../i18n/catalogue.ts'

/** One line of a group's log: a message, or a status line about who is in the group. */
export type GroupLogLine =
  | { kind: 'message', key: string, message: StoredGroupMessage }
  | { kind: 'event', key: string, event: MembershipEvent }

/**
 * The messages in their shared causal order with the status lines placed among them by
 * time: a status line goes before the first message sent after it. Messages stay in the
 * order every member sees (a status line never moves one); lines are this member's own.
 */
export function groupLogLines (messages: readonly StoredGroupMessage[], events: readonly MembershipEvent[]): GroupLogLine[] {
  const pending = events.map((event, i) => ({ event, i })).sort((a, b) => a.event.at - b.event.at || a.i - b.i)
  const lines: GroupLogLine[] = []
  let next = 0
  const flushUpTo = (at: number): void => {
    while (next < pending.length && pending[next]!.event.at <= at) {
      const { event, i } = pending[next++]!
      lines.push({ kind: 'event', key: `event-${i}`, event })
    }
  }
  for (const message of messages) {
    if (typeof message.sentAt === 'number') flushUpTo(message.sentAt)
    lines.push({ kind: 'message', key: message.id, message })
  }
  flushUpTo(Infinity)
  return lines
}

/** A status line's words; `nameOf` gives a person's name here (a contact's local name wins), else the one the line kept. */
export function groupEventText (event: MembershipEvent, self: string, t: Translate, nameOf: (userId: string, kept: string) => string): string {
  switch (event.type) {
    case 'created':
      return event.by === self ? t('groupEvent.createdYou') : t('groupEvent.created', { by: nameOf(event.by, event.byName) })
    case 'added':
      if (event.who === self) return t('groupEvent.addedYou', { by: nameOf(event.by, event.byName) })
      if (event.by === self) return t('groupEvent.youAdded', { who: nameOf(event.who, event.whoName) })
      return t('groupEvent.added', { by: nameOf(event.by, event.byName), who: nameOf(event.who, event.whoName) })
    case 'removed':
      if (event.who === self) return t('groupEvent.removedYou', { by: nameOf(event.by, event.byName) })
      if (event.by === self) return t('groupEvent.youRemoved', { who: nameOf(event.who, event.whoName) })
      return t('groupEvent.removed', { by: nameOf(event.by, event.byName), who: nameOf(event.who, event.whoName) })
    case 'left':
      return event.who === self ? t('groupEvent.youLeft') : t('groupEvent.left', { who: nameOf(event.who, event.whoName) })
    case 'gone':
      return t('groupEvent.gone', { who: nameOf(event.who, event.whoName) })
    case 'admin':
      return event.who === self ? t('groupEvent.adminYou') : t('groupEvent.admin', { who: nameOf(event.who, event.whoName) })
  }
}
