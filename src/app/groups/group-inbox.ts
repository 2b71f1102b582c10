import {
  addMessage, decodeGroupMessage, encodeGroupMessage, getDelivered, isMember, judgeGroupMessage, missingParents, openGroupMessage,
  type GroupMessage
} from '../../core/group/index.ts'
import type { StoredGroupMessage } from '../../core/ports/index.ts'
import type { Logger } from '../../diagnostics/index.ts'
import type { GroupCatchUp } from './group-catch-up.ts'
import { withGroupLock, type GroupsComponents } from './group-context.ts'
import type { GroupKeyExchange } from './group-key-exchange.ts'
import type { GroupRecords } from './group-records.ts'

/** Ids the validator passed, remembered so ingest need not verify them again; bounded. */
const MAX_VERIFIED = 1024

/**
 * Group messages arriving by gossip, by sync or over a session: each is judged (a member,
 * signed with that member's key), held until its parents arrive, read with the sender key
 * it names and stored with the key positions in one transaction. Missing parents are asked
 * for from whoever forwarded the message, or any linked member.
 */
export class GroupInbox {
  /** Ids the gossip validator checked just now: ingest need not verify their signatures again. */
  private readonly verified = new Set<string>()
  private readonly now: () => number
  private catchUp: GroupCatchUp | undefined

  constructor (
    private readonly components: GroupsComponents,
    private readonly records: GroupRecords,
    private readonly keys: GroupKeyExchange,
    private readonly log: Logger
  ) {
    this.now = components.now ?? Date.now
  }

  /** Catch-up and the inbox use each other: it hands us what it fetched, we ask it for missing parents. */
  useCatchUp (catchUp: GroupCatchUp): void {
    this.catchUp = catchUp
  }

  /** The topic validator: never throws. An unknown key is kept for later, not forwarded. */
  async validate (topic: string, data: Uint8Array): Promise<'accept' | 'reject' | 'ignore'> {
    const groupId = this.records.groupOfTopic(topic)
    const group = groupId == null ? undefined : this.records.get(groupId)
    if (group == null || group.removed === true) return 'ignore'
    let message: GroupMessage
    try {
      message = decodeGroupMessage(data)
    } catch {
      return 'reject'
    }
    const verdict = judgeGroupMessage(group, message, this.components.self.userId)
    if (verdict === 'accept') {
      this.verified.add(message.id)
      // Bounded: an id the validator passed but gossip never delivered is forgotten in time.
      if (this.verified.size > MAX_VERIFIED) this.verified.delete(this.verified.values().next().value!)
    }
    if (verdict === 'unknown-key') {
      void this.ingest(group.state.groupId, [message], undefined)
      return 'ignore'
    }
    return verdict
  }

  /** A message gossip accepted. */
  onGossip (topic: string, data: Uint8Array, from: string | undefined): void {
    const groupId = this.records.groupOfTopic(topic)
    if (groupId == null) return
    let message: GroupMessage
    try {
      message = decodeGroupMessage(data)
    } catch {
      return // the validator let it through, so this cannot happen; nothing to store if it does
    }
    void this.ingest(groupId, [message], from)
  }

  /** A message a member handed us over the session (gossip did not reach us). Stored before this returns. */
  async onSessionMessage (groupId: string, from: string, encoded: Uint8Array): Promise<void> {
    // Only a member may hand us messages this way.
    const group = await this.components.store.getGroup(groupId)
    if (group == null || !isMember(group.state, from)) return
    await this.ingest(groupId, [decodeGroupMessage(encoded)], from)
  }

  /** Adds messages to a group's history under its lock (see the class comment). */
  async ingest (groupId: string, messages: GroupMessage[], from: string | undefined): Promise<void> {
    const { store, self, bus, events } = this.components
    const outcome = await withGroupLock(groupId, async () => {
      let group = await store.getGroup(groupId)
      if (group == null || group.removed === true) return undefined
      let history = this.records.history(groupId)
      const rows: StoredGroupMessage[] = []
      const waiting = new Set<string>()
      // Copies of messages we hold already (gossip and sync overlapping): counted for the benchmark.
      let duplicates = 0
      for (const message of messages) {
        if (getDelivered(history, message.id) != null) { duplicates++; continue }
        const checked = this.verified.delete(message.id)
        if (!checked && judgeGroupMessage(group, message, self.userId) === 'reject') continue
        let delivered: GroupMessage[]
        try {
          ({ history, delivered } = addMessage(history, message, this.now()))
        } catch (err) {
          this.log('the causal order refused a message of group %s', groupId, err) // a forged clock, say
          continue
        }
        for (const m of delivered) {
          // Our own messages were stored with their text by the tab that wrote them.
          if (m.author === self.userId) continue
          const opened = openGroupMessage(group, m, encodeGroupMessage(m), this.now())
          group = opened.group
          rows.push(opened.row)
          if (opened.row.unreadable === 'waiting-key') waiting.add(m.author)
        }
      }
      // Relaxed: what a crash loses here, sync brings back from any member; the key
      // positions it moved on are only ever read with, never written with.
      await store.commitGroup(group, rows, { relaxed: true })
      this.records.setHistory(groupId, history)
      this.records.remember(group)
      return { rows, waiting, missing: missingParents(history).length > 0, group, duplicates }
    })
    if (outcome == null) return
    if (outcome.rows.length > 0) bus.emit({ kind: 'group-messages', groupId, messages: outcome.rows })
    if (outcome.duplicates > 0) events.emit('group:duplicates', { count: outcome.duplicates })
    for (const author of outcome.waiting) void this.keys.requestKey(outcome.group, author)
    if (outcome.missing) {
      const network = this.components.network()
      const source = from ?? outcome.group.state.members.map((m) => m.userId).find((id) => id !== self.userId && network?.isLinked(id) === true)
      if (source != null) void this.catchUp?.with(groupId, source)
    }
  }
}
