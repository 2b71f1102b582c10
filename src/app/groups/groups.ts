import { decodeGroupControl, type GroupMember } from '../../core/group/index.ts'
import type { StoredGroupMessage } from '../../core/ports/index.ts'
import type { Logger } from '../../diagnostics/index.ts'
import { GroupCatchUp } from './group-catch-up.ts'
import { withGroupLock, type GroupsComponents } from './group-context.ts'
import { GroupInbox } from './group-inbox.ts'
import { GroupInvitations } from './group-invitations.ts'
import { GroupKeyExchange } from './group-key-exchange.ts'
import { GroupMembership } from './group-membership.ts'
import { GroupReadMarks } from './group-read-marks.ts'
import { GroupRecords, type GroupView } from './group-records.ts'
import { GroupWriter } from './group-writer.ts'

export { GroupError } from './group-context.ts'
export type { GroupView } from './group-records.ts'

/**
 * Groups (docs/ARCHITECTURE.md, Groups): membership and sender keys over the 1:1 sessions, messages
 * over gossip, catch-up by sync, and one causal history per group that every member renders
 * in the same order. This is the service the rest of the app uses; the work is done by
 * GroupRecords (what this tab holds, the topics), GroupMembership, GroupKeyExchange,
 * GroupWriter, GroupInbox and GroupCatchUp.
 */
export class Groups {
  private readonly records: GroupRecords
  private readonly membership: GroupMembership
  private readonly keys: GroupKeyExchange
  private readonly inbox: GroupInbox
  private readonly writer: GroupWriter
  private readonly catchUpService: GroupCatchUp
  private readonly log: Logger
  /** Where the person stopped reading each group (the unread counts). */
  readonly readMarks: GroupReadMarks
  /** Invitations from people who are not contacts, waiting as requests. */
  readonly invitations: GroupInvitations

  constructor (private readonly components: GroupsComponents) {
    this.log = components.logger.forComponent('murmur:groups')
    this.readMarks = new GroupReadMarks(components.store)
    this.records = new GroupRecords(components, this.log)
    this.keys = new GroupKeyExchange(components, this.records, this.log)
    this.inbox = new GroupInbox(components, this.records, this.keys, this.log)
    this.catchUpService = new GroupCatchUp({
      userId: components.self.userId,
      network: components.network,
      group: (groupId) => {
        const record = this.records.get(groupId)
        return record == null || record.removed === true ? undefined : { state: record.state, history: this.records.history(groupId) }
      },
      groups: () => this.records.active().map((g) => g.state),
      ingest: async (groupId, messages) => this.inbox.ingest(groupId, messages, undefined),
      logger: this.log
    })
    this.inbox.useCatchUp(this.catchUpService)
    this.invitations = new GroupInvitations(components, async (state, from) => {
      await withGroupLock(state.groupId, async () => { await this.membership.onState(await components.store.getGroup(state.groupId), state, from) })
    }, this.log)
    this.membership = new GroupMembership(components, this.records, this.keys, this.catchUpService, this.log, async (from, state) => this.invitations.hold(from, state))
    this.writer = new GroupWriter(components, this.records, this.keys, this.log)
  }

  /** Loads every group and its history, and joins the topics of those we are in. */
  async start (): Promise<void> {
    await this.records.start()
  }

  /** Reads a group back from the store (another tab changed it). */
  async reload (groupId: string): Promise<void> {
    await this.records.reload(groupId)
  }

  /** The network came up after start: join every topic we are in. */
  joinTopics (): void {
    this.records.joinTopics()
  }

  list (): GroupView[] {
    return this.records.list()
  }

  /** A group's history as shown: what was sent before we joined is not part of it. */
  async messages (groupId: string): Promise<StoredGroupMessage[]> {
    return (await this.components.store.listGroupMessages(groupId)).filter((m) => m.unreadable !== 'before-join')
  }

  async create (name: string, members: GroupMember[]): Promise<GroupView> {
    const groupId = await this.membership.create(name, members)
    return this.list().find((g) => g.groupId === groupId)!
  }

  async addMember (groupId: string, member: GroupMember): Promise<void> {
    await this.membership.addMember(groupId, member)
  }

  async removeMember (groupId: string, userId: string): Promise<void> {
    await this.membership.removeMember(groupId, userId)
  }

  async leave (groupId: string): Promise<void> {
    await this.membership.leave(groupId)
  }

  async send (groupId: string, text: string): Promise<StoredGroupMessage> {
    return this.writer.send(groupId, text)
  }

  /** A control message from `from` (already authenticated by the session). Throws on refusal. */
  async onControl (from: string, bytes: Uint8Array): Promise<void> {
    const control = decodeGroupControl(bytes)
    if (control.type === 'message') {
      // Takes the group's lock itself, and has stored the message when it returns, before our receipt goes back.
      await this.inbox.onSessionMessage(control.groupId, from, control.message)
      return
    }
    const groupId = control.type === 'state' ? control.state.groupId : control.groupId
    await withGroupLock(groupId, async () => {
      const group = await this.components.store.getGroup(groupId)
      switch (control.type) {
        case 'state': return this.membership.onState(group, control.state, from)
        case 'removed': return this.membership.onRemoved(group, from, control.epoch)
        case 'leave': return this.membership.onLeave(group, from)
        case 'sender-key': return this.keys.onSenderKey(group, groupId, from, control)
        case 'key-request': return this.keys.onKeyRequest(group, from)
      }
    })
  }

  /** The gossip topic validator: never throws. */
  async validate (topic: string, data: Uint8Array): Promise<'accept' | 'reject' | 'ignore'> {
    return this.inbox.validate(topic, data)
  }

  onGossip (topic: string, data: Uint8Array, from: string | undefined): void {
    this.inbox.onGossip(topic, data, from)
  }

  /** What `userId` lacks of a group they are in; nothing for anyone else. */
  async answerSync (userId: string, request: Uint8Array): Promise<Uint8Array[]> {
    return this.catchUpService.answer(userId, request)
  }

  /** A link to `userId` came up: catch up on every group we share. */
  memberOnline (userId: string): void {
    this.catchUpService.memberOnline(userId)
  }

  /** Anti-entropy, run every little while (src/app/groups/group-catch-up.ts). */
  catchUp (): void {
    this.catchUpService.round()
  }
}
