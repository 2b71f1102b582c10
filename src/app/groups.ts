import {
  addMessage, createGroupMessage, createGroupState, decodeGroupControl, decodeGroupMessage,
  emptyHistory, encodeGroupContent, getDelivered, encodeGroupControl, encodeGroupMessage, encryptGroupMessage,
  groupMessageHeader, groupTopic, heads, isMember, judgeStateUpdate, missingParents, nextClock,
  withMemberAdded, withMemberRemoved, GroupStateError, MAX_CONTROL_MESSAGE_BYTES,
  type GroupControl, type GroupHistory, type GroupMember, type GroupMessage, type GroupState
} from '../core/group/index.ts'
import { isValidMessageText, TEXT_MAX_CHARS } from '../core/text-rules.ts'
import { acceptSenderKey, distributionFor, ensureSenderKey, judgeGroupMessage, newGroupRecord, openGroupMessage, ourDistribution, settleKeys } from './group-keys.ts'
import { GroupCatchUp } from './group-catch-up.ts'
import { withLock } from './locks.ts'
import type { Network } from '../core/ports/index.ts'
import type { MessengerStore, StoredGroup, StoredGroupMessage } from '../core/ports/index.ts'

/** A key request to one author for one group goes at most this often. */
const KEY_REQUEST_INTERVAL_MS = 60_000
const PENDING_KEYS_SETTING = 'group-pending-keys'
const MAX_UNKNOWN_GROUP_KEYS = 64
const MAX_VERIFIED = 1024

export class GroupError extends Error {
  override name = 'GroupError'
}

export interface GroupsHost {
  readonly userId: string
  readonly name: string
  network: () => Network | undefined
  /** Sends a control message over the 1:1 session (through the outbox: receipts, retries, mailboxes). */
  sendControl: (userId: string, control: Uint8Array) => Promise<void>
  /** Makes sure a member we never met is a contact we can hold a session with. */
  ensureContact: (member: GroupMember) => Promise<void>
  /** `messages`: the rows added or read just now, when that is all that changed. */
  changed: (change: { kind: 'groups' } | { kind: 'group-messages', groupId: string, messages?: StoredGroupMessage[] }) => void
}

export interface GroupView {
  groupId: string
  name: string
  admin: string
  members: readonly GroupMember[]
  removed: boolean
}

/**
 * Groups (DESIGN.md, Groups): membership and sender keys over the 1:1 sessions, messages
 * over gossip, catch-up by sync, and one causal history per group that every member renders
 * in the same order. Every change to a group runs under its Web Lock and reads the record
 * from the store first, so tabs of one profile take turns; the history is kept in memory
 * (rebuilt from the store on start, and when another tab says it changed).
 */
export class Groups {
  private readonly histories = new Map<string, GroupHistory>()
  private readonly records = new Map<string, StoredGroup>()
  private readonly topics = new Map<string, string>()
  private readonly sync: GroupCatchUp
  private readonly keyRequests = new Map<string, number>()
  /** Ids the gossip validator checked just now: ingest need not verify their signatures again. */
  private readonly verified = new Set<string>()

  constructor (private readonly store: MessengerStore, private readonly host: GroupsHost, private readonly now: () => number = Date.now) {
    this.sync = new GroupCatchUp({
      userId: host.userId,
      network: host.network,
      group: (groupId) => {
        const record = this.records.get(groupId)
        const history = this.histories.get(groupId)
        return record == null || history == null || record.removed === true ? undefined : { state: record.state, history }
      },
      groups: () => [...this.records.values()].filter((g) => g.removed !== true).map((g) => g.state),
      ingest: async (groupId, messages) => this.ingest(groupId, messages, undefined)
    })
  }

  /** Loads every group and its history, and joins the topics of those we are in. */
  async start (): Promise<void> {
    for (const group of await this.store.listGroups()) await this.reload(group.state.groupId)
  }

  /** Reads a group back from the store (another tab changed it, or at start). */
  async reload (groupId: string): Promise<void> {
    const group = await this.store.getGroup(groupId)
    if (group == null) return
    let history = this.histories.get(groupId) ?? emptyHistory()
    for (const row of await this.store.listGroupMessages(groupId)) {
      try {
        history = addMessage(history, decodeGroupMessage(row.encoded), this.now()).history
      } catch {
        // A row that no longer decodes is skipped, not fatal to the rest.
      }
    }
    this.histories.set(groupId, history)
    this.remember(group)
  }

  list (): GroupView[] {
    return [...this.records.values()]
      .sort((a, b) => a.joinedAt - b.joinedAt)
      .map((g) => ({ groupId: g.state.groupId, name: g.state.name, admin: g.state.admin, members: g.state.members, removed: g.removed === true }))
  }

  async messages (groupId: string): Promise<StoredGroupMessage[]> {
    return (await this.store.listGroupMessages(groupId)).filter((m) => m.unreadable !== 'before-join')
  }

  /** A new group with us as its admin; the members learn it over their sessions. */
  async create (name: string, members: GroupMember[]): Promise<GroupView> {
    if (members.length === 0) throw new GroupError('Add at least one member.')
    const state = createGroupState(name, { userId: this.host.userId, name: this.host.name }, members)
    const { group } = ensureSenderKey(newGroupRecord(state, this.now()), this.now(), true)
    await this.store.commitGroup(group, [])
    this.remember(group)
    this.histories.set(state.groupId, emptyHistory())
    await this.announce(group, state.members.map((m) => m.userId))
    this.host.changed({ kind: 'groups' })
    return this.list().find((g) => g.groupId === state.groupId)!
  }

  async addMember (groupId: string, member: GroupMember): Promise<void> {
    await this.asAdmin(groupId, async (group) => {
      const state = withMemberAdded(group.state, member)
      const next = { ...group, state }
      await this.store.commitGroup(next, [])
      this.remember(next)
      // Everyone hears of the new member; the new member also gets our key, where it is now.
      await this.sendStateTo(next, state.members.map((m) => m.userId))
      await this.sendKey(next, member.userId, ourDistribution(next)!)
    })
  }

  async removeMember (groupId: string, userId: string): Promise<void> {
    if (userId === this.host.userId) throw new GroupError('To leave the group, use "Leave group".')
    await this.asAdmin(groupId, async (group) => { await this.applyRemoval(group, userId) })
  }

  /** We leave: the admin removes us (when we are the admin, we hand the group on first). */
  async leave (groupId: string): Promise<void> {
    await withLock(`murmur:group:${groupId}`, async () => {
      const group = await this.freshRecord(groupId)
      if (group.removed === true) return
      if (group.state.admin === this.host.userId && group.state.members.length > 1) {
        await this.applyRemoval(group, this.host.userId)
      } else {
        await this.host.sendControl(group.state.admin, encodeGroupControl({ type: 'leave', groupId })).catch(() => {})
      }
      await this.markRemoved(await this.freshRecord(groupId))
    })
  }

  /** Writes a message: sealed with our sender key, added to our history, then gossiped. */
  async send (groupId: string, text: string): Promise<StoredGroupMessage> {
    const body = text.trim()
    if (body.length === 0) throw new GroupError('An empty message is not sent.')
    if (body.length > TEXT_MAX_CHARS) throw new GroupError(`A message has at most ${TEXT_MAX_CHARS} characters.`)
    if (!isValidMessageText(body)) throw new GroupError('This message holds a broken character and cannot be sent.')
    const { row, topic, away } = await withLock(`murmur:group:${groupId}`, async () => {
      let group = await this.freshRecord(groupId)
      if (group.removed === true) throw new GroupError('You are no longer in this group.')
      const rotated = ensureSenderKey(group, this.now(), false)
      group = rotated.group
      if (rotated.isNew) await this.announce(group, [])
      const history = this.histories.get(groupId) ?? emptyHistory()
      const fields = { author: this.host.userId, clock: nextClock(history), parents: heads(history) }
      const sealed = encryptGroupMessage(group.senderKey!.key, encodeGroupContent({ sentAt: this.now(), text: body }), groupMessageHeader(fields))
      const message = createGroupMessage({ ...fields, body: sealed.message })
      group = { ...group, senderKey: { ...group.senderKey!, key: sealed.senderKey } }
      const row: StoredGroupMessage = { id: message.id, groupId, author: message.author, clock: message.clock, encoded: encodeGroupMessage(message), text: body, sentAt: this.now() }
      await this.store.commitGroup(group, [row])
      this.histories.set(groupId, addMessage(history, message, this.now()).history)
      this.remember(group)
      const away = group.state.members.map((m) => m.userId).filter((id) => id !== this.host.userId)
      return { row, topic: groupTopic(group.state), away }
    })
    performance.mark('murmur:group-sent', { detail: { id: row.id, at: performance.timeOrigin + performance.now() } })
    this.host.changed({ kind: 'group-messages', groupId, messages: [row] })
    // Gossip reaches who is online. A member it did not reach directly (offline, or on a
    // link whose subscriptions are not exchanged yet) gets it through the 1:1 outbox: over
    // the link when there is one, else from their mailbox, so it never waits for two
    // members to be online together.
    const network = this.host.network()
    const reached = new Set(await network?.gossip(topic, row.encoded).catch(() => []) ?? [])
    if (row.encoded.length <= MAX_CONTROL_MESSAGE_BYTES) {
      for (const userId of away) {
        if (!reached.has(userId)) await this.host.sendControl(userId, encodeGroupControl({ type: 'message', groupId, message: row.encoded })).catch(() => {})
      }
    }
    return row
  }

  // --- What members tell us over the 1:1 sessions ---

  /** A control message from `from` (already authenticated by the session). Throws on refusal. */
  async onControl (from: string, bytes: Uint8Array): Promise<void> {
    const control = decodeGroupControl(bytes)
    const groupId = control.type === 'state' ? control.state.groupId : control.groupId
    if (control.type === 'message') {
      // Only a member may hand us messages this way; ingest takes the group's lock and has
      // stored the message when this returns, before our receipt goes back.
      const group = await this.store.getGroup(groupId)
      if (group == null || !isMember(group.state, from)) return
      await this.ingest(groupId, [decodeGroupMessage(control.message)], from)
      return
    }
    await withLock(`murmur:group:${groupId}`, async () => {
      const group = await this.store.getGroup(groupId)
      switch (control.type) {
        case 'state': return this.onState(group, control.state, from)
        case 'removed':
          if (group == null || from !== group.state.admin || control.epoch <= group.state.epoch) return
          return this.markRemoved(group)
        case 'sender-key': return this.onSenderKey(group, groupId, from, control)
        case 'leave':
          if (group != null && group.state.admin === this.host.userId && isMember(group.state, from) && group.removed !== true) {
            await this.applyRemoval(group, from)
          }
          return
        case 'key-request':
          if (group != null && isMember(group.state, from) && group.removed !== true) {
            const distribution = distributionFor(group, from)
            if (distribution != null) await this.sendKey(group, from, distribution)
          }
      }
    })
  }

  private async onState (current: StoredGroup | undefined, state: GroupState, from: string): Promise<void> {
    if (current?.removed === true) return
    if (judgeStateUpdate(current?.state, state, from) === 'same') return
    if (!isMember(state, this.host.userId)) return
    const secretChanged = current == null || !sameBytes(current.state.secret, state.secret)
    let group = settleKeys({ ...(current ?? newGroupRecord(state, this.now())), state })
    if (current == null) group = await this.takeUnknownGroupKeys(group)
    const keyed = ensureSenderKey(group, this.now(), secretChanged)
    group = keyed.group
    await this.store.commitGroup(group, [])
    this.remember(group)
    for (const member of state.members) if (member.userId !== this.host.userId) await this.host.ensureContact(member)
    // A new key goes to everyone; a kept key only to members who joined now.
    const newcomers = current == null ? [] : state.members.map((m) => m.userId).filter((id) => !isMember(current.state, id))
    if (keyed.isNew) await this.announce(group, [])
    else for (const id of newcomers) await this.sendKey(group, id, ourDistribution(group)!)
    if (!this.histories.has(state.groupId)) this.histories.set(state.groupId, emptyHistory())
    this.host.changed({ kind: 'groups' })
    for (const member of state.members) void this.sync.with(state.groupId, member.userId)
  }

  private async onSenderKey (group: StoredGroup | undefined, groupId: string, from: string, control: Extract<GroupControl, { type: 'sender-key' }>): Promise<void> {
    if (group == null) {
      // The state that names this group may still be on its way (another session, another mailbox).
      const pending = (await this.store.loadSetting<Array<{ groupId: string, from: string, epoch: number, distribution: Uint8Array }>>(PENDING_KEYS_SETTING)) ?? []
      pending.push({ groupId, from, epoch: control.epoch, distribution: control.distribution })
      await this.store.saveSetting(PENDING_KEYS_SETTING, pending.slice(-MAX_UNKNOWN_GROUP_KEYS))
      return
    }
    if (group.removed === true) return
    const next = acceptSenderKey(group, from, control.epoch, control.distribution)
    if (next === group) return
    await this.commitReopened(next)
  }

  private async takeUnknownGroupKeys (group: StoredGroup): Promise<StoredGroup> {
    const pending = (await this.store.loadSetting<Array<{ groupId: string, from: string, epoch: number, distribution: Uint8Array }>>(PENDING_KEYS_SETTING)) ?? []
    const mine = pending.filter((k) => k.groupId === group.state.groupId)
    if (mine.length === 0) return group
    await this.store.saveSetting(PENDING_KEYS_SETTING, pending.filter((k) => k.groupId !== group.state.groupId))
    let next = group
    for (const k of mine) next = acceptSenderKey(next, k.from, k.epoch, k.distribution)
    return next
  }

  /** A key arrived: messages that waited for it are read now, in render order. */
  private async commitReopened (start: StoredGroup): Promise<void> {
    let group = start
    const rows: StoredGroupMessage[] = []
    for (const row of await this.store.listGroupMessages(group.state.groupId)) {
      if (row.unreadable !== 'waiting-key') continue
      const opened = openGroupMessage(group, decodeGroupMessage(row.encoded), row.encoded)
      group = opened.group
      if (opened.row.unreadable !== 'waiting-key') rows.push(opened.row)
    }
    await this.store.commitGroup(group, rows)
    this.remember(group)
    if (rows.length > 0) this.host.changed({ kind: 'group-messages', groupId: group.state.groupId, messages: rows })
  }

  // --- Gossip and sync ---

  /** The topic validator: never throws. An unknown key is kept for later, not forwarded. */
  async validate (topic: string, data: Uint8Array): Promise<'accept' | 'reject' | 'ignore'> {
    const groupId = this.topics.get(topic)
    const group = groupId == null ? undefined : this.records.get(groupId)
    if (group == null || group.removed === true) return 'ignore'
    let message: GroupMessage
    try {
      message = decodeGroupMessage(data)
    } catch {
      return 'reject'
    }
    const verdict = judgeGroupMessage(group, message, this.host.userId)
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

  onGossip (topic: string, data: Uint8Array, from: string | undefined): void {
    const groupId = this.topics.get(topic)
    if (groupId == null) return
    let message: GroupMessage
    try {
      message = decodeGroupMessage(data)
    } catch {
      return
    }
    void this.ingest(groupId, [message], from)
  }

  /** What `userId` lacks of a group they are in; nothing for anyone else. */
  async answerSync (userId: string, request: Uint8Array): Promise<Uint8Array[]> {
    return this.sync.answer(userId, request)
  }

  /** A link to `userId` came up: catch up on every group we share. */
  memberOnline (userId: string): void {
    this.sync.memberOnline(userId)
  }

  /** Anti-entropy, run every little while (src/app/group-catch-up.ts). */
  catchUp (): void {
    this.sync.round()
  }

  /**
   * Adds messages to a group's history under its lock: each is judged (member, signature),
   * delivered ones are read and stored with the key positions in one transaction, and
   * missing parents are asked for from the member who forwarded them, or anyone linked.
   */
  private async ingest (groupId: string, messages: GroupMessage[], from: string | undefined): Promise<void> {
    const outcome = await withLock(`murmur:group:${groupId}`, async () => {
      let group = await this.store.getGroup(groupId)
      if (group == null || group.removed === true) return undefined
      let history = this.histories.get(groupId) ?? emptyHistory()
      const rows: StoredGroupMessage[] = []
      const waiting = new Set<string>()
      // Copies of messages we hold already (gossip and sync overlapping): counted for the benchmark.
      let duplicates = 0
      for (const message of messages) {
        if (getDelivered(history, message.id) != null) { duplicates++; continue }
        const checked = this.verified.delete(message.id)
        if (!checked && judgeGroupMessage(group, message, this.host.userId) === 'reject') continue
        let delivered: GroupMessage[]
        try {
          ({ history, delivered } = addMessage(history, message, this.now()))
        } catch {
          continue // refused by the causal order (a forged clock, say)
        }
        for (const m of delivered) {
          // Our own messages were stored with their text by the tab that wrote them.
          if (m.author === this.host.userId) continue
          const opened = openGroupMessage(group, m, encodeGroupMessage(m))
          group = opened.group
          rows.push(opened.row)
          if (opened.row.unreadable === 'waiting-key') waiting.add(m.author)
        }
      }
      // Relaxed: what a crash loses here, sync brings back from any member; the key
      // positions it moved on are only ever read with, never written with.
      await this.store.commitGroup(group, rows, { relaxed: true })
      this.histories.set(groupId, history)
      this.remember(group)
      return { rows, waiting, missing: missingParents(history).length > 0, group, duplicates }
    })
    if (outcome == null) return
    if (outcome.rows.length > 0) this.host.changed({ kind: 'group-messages', groupId, messages: outcome.rows })
    if (outcome.duplicates > 0) performance.mark('murmur:group-duplicates', { detail: { count: outcome.duplicates } })
    for (const author of outcome.waiting) void this.requestKey(outcome.group, author)
    if (outcome.missing) {
      const network = this.host.network()
      const source = from ?? outcome.group.state.members.map((m) => m.userId).find((id) => id !== this.host.userId && network?.isLinked(id) === true)
      if (source != null) void this.sync.with(groupId, source)
    }
  }

  // --- Helpers ---

  private remember (group: StoredGroup): void {
    const previous = this.records.get(group.state.groupId)
    this.records.set(group.state.groupId, group)
    const network = this.host.network()
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

  private async freshRecord (groupId: string): Promise<StoredGroup> {
    const group = await this.store.getGroup(groupId)
    if (group == null) throw new GroupError('No such group.')
    return group
  }

  private async asAdmin (groupId: string, change: (group: StoredGroup) => Promise<void>): Promise<void> {
    await withLock(`murmur:group:${groupId}`, async () => {
      const group = await this.freshRecord(groupId)
      if (group.removed === true) throw new GroupError('You are no longer in this group.')
      if (group.state.admin !== this.host.userId) throw new GroupError('Only the group\'s admin adds and removes members.')
      await change(group)
    })
    this.host.changed({ kind: 'groups' })
  }

  /** New epoch, new secret, new sender key; the removed member is told, the rest get the state and our key. */
  private async applyRemoval (group: StoredGroup, userId: string): Promise<void> {
    const state = withMemberRemoved(group.state, userId)
    const leaving = userId === this.host.userId
    let next = settleKeys({ ...group, state })
    if (!leaving) next = ensureSenderKey(next, this.now(), true).group
    await this.store.commitGroup(next, [])
    this.remember(next)
    const others = state.members.map((m) => m.userId).filter((id) => id !== this.host.userId)
    await this.host.sendControl(userId, encodeGroupControl({ type: 'removed', groupId: state.groupId, epoch: state.epoch })).catch(() => {})
    await this.sendStateTo(next, others)
    if (!leaving) await this.announce(next, [])
  }

  private async markRemoved (group: StoredGroup): Promise<void> {
    const next: StoredGroup = { ...group, removed: true, receivers: {}, pendingKeys: [], senderKey: undefined }
    await this.store.commitGroup(next, [])
    this.remember(next)
    this.host.changed({ kind: 'groups' })
  }

  /** The state to `stateTo` (new members), and our current key to every other member. */
  private async announce (group: StoredGroup, stateTo: string[]): Promise<void> {
    await this.sendStateTo(group, stateTo)
    const distribution = ourDistribution(group)
    if (distribution == null) return
    for (const member of group.state.members) {
      if (member.userId !== this.host.userId) await this.sendKey(group, member.userId, distribution)
    }
  }

  private async sendStateTo (group: StoredGroup, userIds: string[]): Promise<void> {
    const control = encodeGroupControl({ type: 'state', state: group.state })
    for (const id of userIds) if (id !== this.host.userId) await this.host.sendControl(id, control)
  }

  private async sendKey (group: StoredGroup, userId: string, distribution: Uint8Array): Promise<void> {
    await this.host.sendControl(userId, encodeGroupControl({ type: 'sender-key', groupId: group.state.groupId, epoch: group.state.epoch, distribution }))
  }

  private async requestKey (group: StoredGroup, author: string): Promise<void> {
    if (!isMember(group.state, author)) return
    const key = `${group.state.groupId} ${author}`
    if (this.now() - (this.keyRequests.get(key) ?? -Infinity) < KEY_REQUEST_INTERVAL_MS) return
    this.keyRequests.set(key, this.now())
    await this.host.sendControl(author, encodeGroupControl({ type: 'key-request', groupId: group.state.groupId })).catch(() => {})
  }
}

function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

export { GroupStateError }
