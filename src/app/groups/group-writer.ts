import {
  addMessage, createGroupMessage, encodeGroupContent, encodeGroupControl, encodeGroupMessage, encryptGroupMessage, ensureSenderKey,
  groupMessageHeader, groupTopic, heads, nextClock, MAX_CONTROL_MESSAGE_BYTES
} from '../../core/group/index.ts'
import { isValidMessageText, TEXT_MAX_CHARS } from '../../core/text-rules.ts'
import type { StoredGroupMessage } from '../../core/ports/index.ts'
import type { Logger } from '../../diagnostics/index.ts'
import { GroupError, withGroupLock, type GroupsComponents } from './group-context.ts'
import type { GroupKeyExchange } from './group-key-exchange.ts'
import type { GroupRecords } from './group-records.ts'

/** Writing to a group: sealed with our sender key, added to our history, then gossiped. */
export class GroupWriter {
  private readonly now: () => number

  constructor (
    private readonly components: GroupsComponents,
    private readonly records: GroupRecords,
    private readonly keys: GroupKeyExchange,
    private readonly log: Logger
  ) {
    this.now = components.now ?? Date.now
  }

  async send (groupId: string, text: string): Promise<StoredGroupMessage> {
    const { store, self, bus, events } = this.components
    const body = text.trim()
    if (body.length === 0) throw new GroupError('empty', 'An empty message is not sent.')
    if (body.length > TEXT_MAX_CHARS) throw new GroupError('too-long', `A message has at most ${TEXT_MAX_CHARS} characters.`)
    if (!isValidMessageText(body)) throw new GroupError('broken-text', 'This message holds a broken character and cannot be sent.')
    const { row, topic, away } = await withGroupLock(groupId, async () => {
      let group = await store.getGroup(groupId)
      if (group == null) throw new GroupError('no-group', 'No such group.')
      if (group.removed === true) throw new GroupError('not-member', 'You are no longer in this group.')
      const rotated = ensureSenderKey(group, this.now(), false)
      group = rotated.group
      if (rotated.isNew) await this.keys.announce(group, [])
      const history = this.records.history(groupId)
      const fields = { author: self.userId, clock: nextClock(history), parents: heads(history) }
      const sealed = encryptGroupMessage(group.senderKey!.key, encodeGroupContent({ sentAt: this.now(), text: body }), groupMessageHeader(fields))
      const message = createGroupMessage({ ...fields, body: sealed.message })
      group = { ...group, senderKey: { ...group.senderKey!, key: sealed.senderKey } }
      const row: StoredGroupMessage = { id: message.id, groupId, author: message.author, clock: message.clock, encoded: encodeGroupMessage(message), text: body, sentAt: this.now() }
      await store.commitGroup(group, [row])
      this.records.setHistory(groupId, addMessage(history, message, this.now()).history)
      this.records.remember(group)
      const away = group.state.members.map((m) => m.userId).filter((id) => id !== self.userId)
      return { row, topic: groupTopic(group.state), away }
    })
    // Wall-clock time with sub-millisecond precision: receivers in other tabs compare with it.
    events.emit('group:sent', { id: row.id, at: performance.timeOrigin + performance.now() })
    bus.emit({ kind: 'group-messages', groupId, messages: [row] })
    await this.spread(groupId, topic, row, away)
    return row
  }

  /**
   * Gossip reaches who is online. A member it did not reach directly (offline, or on a link
   * whose subscriptions are not exchanged yet) gets it through the 1:1 outbox: over the link
   * when there is one, else from their mailbox, so it never waits for two members to be
   * online together.
   */
  private async spread (groupId: string, topic: string, row: StoredGroupMessage, members: string[]): Promise<void> {
    const network = this.components.network()
    const reached = new Set(await network?.gossip(topic, row.encoded).catch((err: unknown) => {
      this.log('gossip of a message to group %s failed', groupId, err)
      return []
    }) ?? [])
    if (row.encoded.length > MAX_CONTROL_MESSAGE_BYTES) return
    for (const userId of members) {
      if (reached.has(userId)) continue
      await this.components.sendControl(userId, encodeGroupControl({ type: 'message', groupId, message: row.encoded }))
        .catch((err: unknown) => { this.log.error('could not queue a group message for %s', userId, err) })
    }
  }
}
