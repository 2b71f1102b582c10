import type { Conversations } from '../../app/conversations.ts'
import type { Groups } from '../../app/groups/groups.ts'
import {
  applyItem, directItem, EMPTY_SUMMARY, groupItem, markAllRead, shownItems, summarize, totalUnread,
  type ConversationSummary, type ReadMark, type SummaryItem
} from '../../core/conversation-summary.ts'
import type { StoredGroupMessage, StoredMessage } from '../../core/ports/index.ts'

/**
 * One summary per conversation (src/core/conversation-summary.ts) for the conversation list:
 * the newest message and the unread count. Each conversation's history is read once, when it
 * is first needed; after that every change moves its summary on by the rows that changed.
 * `onArrival` hears when a conversation gains an unread message (the page's notification).
 */
export class SummariesState {
  direct = $state.raw<Readonly<Record<string, ConversationSummary>>>({})
  groups = $state.raw<Readonly<Record<string, ConversationSummary>>>({})
  total = $derived(totalUnread(Object.values(this.direct)) + totalUnread(Object.values(this.groups)))
  private marks = new Map<string, ReadMark>()

  constructor (
    private readonly conversations: Conversations,
    private readonly groupService: Groups,
    private readonly self: string,
    private readonly onArrival: () => void
  ) {}

  /** Reads the summaries of these conversations that are not known yet. */
  async load (contactIds: readonly string[], groupIds: readonly string[]): Promise<void> {
    if (groupIds.some((id) => this.groups[id] == null)) this.marks = new Map(await this.groupService.readMarks.all())
    for (const id of contactIds) if (this.direct[id] == null) await this.reloadDirect(id)
    for (const id of groupIds) if (this.groups[id] == null) await this.reloadGroup(id)
  }

  contact (contactId: string): ConversationSummary {
    return this.direct[contactId] ?? EMPTY_SUMMARY
  }

  group (groupId: string): ConversationSummary {
    return this.groups[groupId] ?? EMPTY_SUMMARY
  }

  /** A conversation changed: `message` is the one row that did, when that is all. */
  async directChanged (contactId: string, message: StoredMessage | undefined): Promise<void> {
    const item = message == null ? undefined : directItem(message)
    if (message != null && item == null) return
    const before = this.direct[contactId]
    if (before == null || item == null) await this.reloadDirect(contactId)
    else this.direct = { ...this.direct, [contactId]: applyItem(before, item) }
    this.tellArrival(before, this.direct[contactId])
  }

  async groupChanged (groupId: string, messages: StoredGroupMessage[] | undefined): Promise<void> {
    const before = this.groups[groupId]
    if (before == null || messages == null) {
      await this.reloadGroup(groupId)
    } else {
      const mark = this.marks.get(groupId)
      const items = shownItems(messages, (m) => groupItem(m, this.self, mark))
      this.groups = { ...this.groups, [groupId]: items.reduce(applyItem, before) }
    }
    this.tellArrival(before, this.groups[groupId])
  }

  /** The person saw the group: everything in it so far is read, here and after a reload. */
  async groupSeen (groupId: string): Promise<void> {
    const summary = this.groups[groupId]
    if (summary?.last == null || summary.unread.size === 0) return
    const mark = summary.last.order
    this.marks.set(groupId, mark)
    this.groups = { ...this.groups, [groupId]: markAllRead(summary) }
    await this.groupService.readMarks.advance(groupId, mark)
  }

  private async reloadDirect (contactId: string): Promise<void> {
    const items = shownItems(await this.conversations.messages(contactId), directItem)
    this.direct = { ...this.direct, [contactId]: summarize(items) }
  }

  private async reloadGroup (groupId: string): Promise<void> {
    const mark = this.marks.get(groupId)
    const items: SummaryItem[] = shownItems(await this.groupService.messages(groupId), (m) => groupItem(m, this.self, mark))
    this.groups = { ...this.groups, [groupId]: summarize(items) }
  }

  private tellArrival (before: ConversationSummary | undefined, after: ConversationSummary | undefined): void {
    if (after == null) return
    for (const id of after.unread) {
      if (before?.unread.has(id) !== true) { this.onArrival(); return }
    }
  }
}
