import {
  appendEvents, membershipEvents, createGroupState, emptyHistory, encodeGroupControl, ensureSenderKey, isMember, judgeStateUpdate, newGroupRecord, ourDistribution,
  settleKeys, withMemberAdded, withMemberRemoved, type Departure, type GroupMember, type GroupState, type MembershipEvent
} from '../../core/group/index.ts'
import type { StoredGroup } from '../../core/ports/index.ts'
import type { Logger } from '../../diagnostics/index.ts'
import type { GroupCatchUp } from './group-catch-up.ts'
import { GroupError, sameBytes, withGroupLock, type GroupsComponents } from './group-context.ts'
import type { GroupKeyExchange } from './group-key-exchange.ts'
import type { GroupRecords } from './group-records.ts'

/**
 * Who is in a group (docs/ARCHITECTURE.md, "Membership: one admin"): the admin creates,
 * adds and removes, and sends every state over the 1:1 sessions; a member takes a state
 * only from the admin it knows and only with a higher epoch; anyone may leave.
 */
export class GroupMembership {
  private readonly now: () => number

  constructor (
    private readonly components: GroupsComponents,
    private readonly records: GroupRecords,
    private readonly keys: GroupKeyExchange,
    private readonly catchUp: GroupCatchUp,
    private readonly log: Logger,
    /** Holds a non-contact's invitation as a request. */
    private readonly invitations: (from: string, state: GroupState) => Promise<void>
  ) {
    this.now = components.now ?? Date.now
  }

  /** A new group with us as its admin; the members learn it over their sessions. Returns its id. */
  async create (name: string, members: GroupMember[]): Promise<string> {
    if (members.length === 0) throw new GroupError('no-members', 'Add at least one member.')
    const { self, store, bus } = this.components
    const state = createGroupState(name, self, members)
    const made = ensureSenderKey(newGroupRecord(state, this.now()), this.now(), true).group
    const group = this.withChange(made, undefined, state)
    await store.commitGroup(group, [])
    this.records.remember(group)
    this.records.setHistory(state.groupId, emptyHistory())
    await this.keys.announce(group, state.members.map((m) => m.userId))
    bus.emit({ kind: 'groups' })
    return state.groupId
  }

  async addMember (groupId: string, member: GroupMember): Promise<void> {
    await this.asAdmin(groupId, async (group) => {
      const state = withMemberAdded(group.state, member)
      const next = this.withChange({ ...group, state }, group.state, state)
      await this.components.store.commitGroup(next, [])
      this.records.remember(next)
      // Everyone hears of the new member; the new member also gets our key, where it is now.
      await this.keys.sendStateTo(next, state.members.map((m) => m.userId))
      await this.keys.sendKey(next, member.userId, ourDistribution(next)!)
    })
  }

  async removeMember (groupId: string, userId: string): Promise<void> {
    if (userId === this.components.self.userId) throw new GroupError('remove-self', 'To leave the group, use "Leave group".')
    await this.asAdmin(groupId, async (group) => { await this.applyRemoval(group, userId, 'removed') })
  }

  /** We leave: the admin removes us (when we are the admin, we hand the group on first). */
  async leave (groupId: string): Promise<void> {
    const { self, sendControl } = this.components
    await withGroupLock(groupId, async () => {
      const group = await this.freshRecord(groupId)
      if (group.removed === true) return
      // An admin hands the group on as it goes, and that change already says "You left".
      let line: MembershipEvent | undefined = { type: 'left', at: this.now(), who: self.userId, whoName: self.name }
      if (group.state.admin === self.userId && group.state.members.length > 1) {
        await this.applyRemoval(group, self.userId, 'left')
        line = undefined
      } else {
        // Stored in the outbox before it goes: only a failure to store it lands here.
        await sendControl(group.state.admin, encodeGroupControl({ type: 'leave', groupId }))
          .catch((err: unknown) => { this.log.error('could not tell the admin of %s that we leave', groupId, err) })
      }
      await this.markRemoved(await this.freshRecord(groupId), line)
    })
  }

  /** A state from the admin (the caller holds the group's lock). */
  async onState (current: StoredGroup | undefined, state: GroupState, from: string): Promise<void> {
    const { self, store, bus, ensureMember } = this.components
    if (current?.removed === true) return
    if (judgeStateUpdate(current?.state, state, from) === 'same') return
    if (!isMember(state, self.userId)) return
    // docs/SECURITY.md, "Who reaches me": only a contact puts us in a group. A stranger's
    // invitation would make every member it names a contact the network half looks for, so
    // it waits as a request until the person joins (GroupInvitations).
    if (current == null && !await this.components.knows(from)) {
      await this.invitations(from, state)
      return
    }
    const secretChanged = current == null || !sameBytes(current.state.secret, state.secret)
    let group = settleKeys(this.withChange({ ...(current ?? newGroupRecord(state, this.now())), state }, current?.state, state))
    if (current == null) group = await this.keys.takeUnknownGroupKeys(group)
    const keyed = ensureSenderKey(group, this.now(), secretChanged)
    group = keyed.group
    await store.commitGroup(group, [])
    this.records.remember(group)
    for (const member of state.members) if (member.userId !== self.userId) await ensureMember(member)
    // A new key goes to everyone; a kept key only to members who joined now.
    const newcomers = current == null ? [] : state.members.map((m) => m.userId).filter((id) => !isMember(current.state, id))
    if (keyed.isNew) await this.keys.announce(group, [])
    else for (const id of newcomers) await this.keys.sendKey(group, id, ourDistribution(group)!)
    bus.emit({ kind: 'groups' })
    for (const member of state.members) void this.catchUp.with(state.groupId, member.userId)
  }

  /** The admin removed us (the caller holds the group's lock). */
  async onRemoved (group: StoredGroup | undefined, from: string, epoch: number): Promise<void> {
    if (group == null || group.removed === true || from !== group.state.admin || epoch <= group.state.epoch) return
    const { self } = this.components
    const admin = group.state.members.find((m) => m.userId === from)
    await this.markRemoved(group, { type: 'removed', at: this.now(), by: from, byName: admin?.name ?? from.slice(0, 10), who: self.userId, whoName: self.name })
  }

  /** A member leaves; as the admin, we remove them (the caller holds the group's lock). */
  async onLeave (group: StoredGroup | undefined, from: string): Promise<void> {
    if (group != null && group.state.admin === this.components.self.userId && isMember(group.state, from) && group.removed !== true) {
      await this.applyRemoval(group, from, 'left')
    }
  }

  private async freshRecord (groupId: string): Promise<StoredGroup> {
    const group = await this.components.store.getGroup(groupId)
    if (group == null) throw new GroupError('no-group', 'No such group.')
    return group
  }

  private async asAdmin (groupId: string, change: (group: StoredGroup) => Promise<void>): Promise<void> {
    await withGroupLock(groupId, async () => {
      const group = await this.freshRecord(groupId)
      if (group.removed === true) throw new GroupError('not-member', 'You are no longer in this group.')
      if (group.state.admin !== this.components.self.userId) throw new GroupError('not-admin', 'Only the group\'s admin adds and removes members.')
      await change(group)
    })
    this.components.bus.emit({ kind: 'groups' })
  }

  /** New epoch, new secret, new sender key; the removed member is told, the rest get the state and our key. */
  private async applyRemoval (group: StoredGroup, userId: string, why: Departure): Promise<void> {
    const { self, store, sendControl } = this.components
    const state = withMemberRemoved(group.state, userId)
    const leaving = userId === self.userId
    let next = settleKeys(this.withChange({ ...group, state }, group.state, state, why))
    if (!leaving) next = ensureSenderKey(next, this.now(), true).group
    await store.commitGroup(next, [])
    this.records.remember(next)
    const others = state.members.map((m) => m.userId).filter((id) => id !== self.userId)
    await sendControl(userId, encodeGroupControl({ type: 'removed', groupId: state.groupId, epoch: state.epoch }))
      .catch((err: unknown) => { this.log.error('could not tell %s they were removed', userId, err) })
    await this.keys.sendStateTo(next, others)
    if (!leaving) await this.keys.announce(next, [])
  }

  /** The record with the status lines for going from `before` to `after` (src/core/group/membership-events.ts). */
  private withChange (group: StoredGroup, before: GroupState | undefined, after: GroupState, why?: Departure): StoredGroup {
    const events = membershipEvents(before, after, this.components.self.userId, this.now(), why)
    return { ...group, events: appendEvents(group.events, events) }
  }

  private async markRemoved (group: StoredGroup, event: MembershipEvent | undefined): Promise<void> {
    const events = event == null ? group.events : appendEvents(group.events, [event])
    const next: StoredGroup = { ...group, removed: true, receivers: {}, pendingKeys: [], senderKey: undefined, events }
    await this.components.store.commitGroup(next, [])
    this.records.remember(next)
    this.components.bus.emit({ kind: 'groups' })
  }
}
