import { addMessage, decodeGroupMessage, emptyHistory, groupTopic, type GroupHistory, type MembershipEvent } from '../../core/group/index.ts'
import type { StoredGroup } from '../../core/ports/index.ts'
import type { Logger } from '../../diagnostics/index.ts'
import { sameBytes, type GroupsComponents } from './group-context.ts'

export interface GroupView {
  groupId: string
  name: string
  admin: string
  members: ReadonlyArray<{ userId: string, name: string }>
  removed: boolean
  events: readonly MembershipEvent[]
}

/**
 * The groups this tab holds in memory: each group's record and causal history (rebuilt from
 * the store on start, and when another tab says it changed), and the gossip topics they
 * name. A record we remember joins its topic; a removal or a new secret leaves the old one.
 */
export class GroupRecords {
  private readonly histories = new Map<string, GroupHistory>()
  private readonly records = new Map<string, StoredGroup>()
  private readonly topics = new Map<string, string>()
  private readonly now: () => number

  constructor (private readonly components: GroupsComponents, private readonly log: Logger) {
    this.now = components.now ?? Date.now
  }

  /** Loads every group and its history, and joins the topics of those we are in. */
  async start (): Promise<void> {
    for (const group of await this.components.store.listGroups()) await this.reload(group.state.groupId)
  }

  /** Reads a group back from the store (another tab changed it, or at start). */
  async reload (groupId: string): Promise<void> {
    const { store } = this.components
    const group = await store.getGroup(groupId)
    if (group == null) return
    let history = this.histories.get(groupId) ?? emptyHistory()
    for (const row of await store.listGroupMessages(groupId)) {
      try {
        history = addMessage(history, decodeGroupMessage(row.encoded), this.now()).history
      } catch (err) {
        // A row that no longer decodes is skipped, not fatal to the rest.
        this.log.error('skipped a stored message of group %s', groupId, err)
      }
    }
    this.histories.set(groupId, history)
    this.remember(group)
  }

  list (): GroupView[] {
    return [...this.records.values()]
      .sort((a, b) => a.joinedAt - b.joinedAt)
      .map((g) => ({ groupId: g.state.groupId, name: g.state.name, admin: g.state.admin, members: g.state.members, removed: g.removed === true, events: g.events ?? [] }))
  }

  get (groupId: string): StoredGroup | undefined {
    return this.records.get(groupId)
  }

  /** Groups we are still in. */
  active (): StoredGroup[] {
    return [...this.records.values()].filter((g) => g.removed !== true)
  }

  groupOfTopic (topic: string): string | undefined {
    return this.topics.get(topic)
  }

  history (groupId: string): GroupHistory {
    return this.histories.get(groupId) ?? emptyHistory()
  }

  setHistory (groupId: string, history: GroupHistory): void {
    this.histories.set(groupId, history)
  }

  /** Keeps a record as the current one, and joins (or leaves) the topics it names. */
  remember (group: StoredGroup): void {
    const previous = this.records.get(group.state.groupId)
    this.records.set(group.state.groupId, group)
    const network = this.components.network()
    if (previous != null && (group.removed === true || !sameBytes(previous.state.secret, group.state.secret))) {
      const old = groupTopic(previous.state)
      this.topics.delete(old)
      network?.leaveTopic(old)
    }
    if (group.removed !== true) {
      const topic = groupTopic(group.state)
      this.topics.set(topic, group.state.groupId)
      network?.joinTopic(topic)
    }
  }

  /** The network came up after start: join every topic we are in. */
  joinTopics (): void {
    for (const group of this.records.values()) this.remember(group)
  }
}
