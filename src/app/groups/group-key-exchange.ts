import {
  acceptSenderKey, distributionFor, encodeGroupControl, isMember, ourDistribution, reopenWaiting, type GroupControl
} from '../../core/group/index.ts'
import type { StoredGroup } from '../../core/ports/index.ts'
import type { Logger } from '../../diagnostics/index.ts'
import type { GroupsComponents } from './group-context.ts'
import type { GroupRecords } from './group-records.ts'

/** A key request to one author for one group goes at most this often. */
const KEY_REQUEST_INTERVAL_MS = 60_000
/** Sender keys for groups we do not know yet, kept in a setting until their state comes. */
const PENDING_KEYS_SETTING = 'group-pending-keys'
const MAX_UNKNOWN_GROUP_KEYS = 64

type UnknownGroupKey = { groupId: string, from: string, epoch: number, distribution: Uint8Array }

/**
 * Sender keys over the 1:1 sessions (docs/ARCHITECTURE.md, Groups): ours go to every member
 * when made and to each newcomer; theirs are taken, kept for a state that has not come yet,
 * or asked for again when a message names a key we lack. Callers hold the group's lock.
 */
export class GroupKeyExchange {
  private readonly keyRequests = new Map<string, number>()
  private readonly now: () => number

  constructor (private readonly components: GroupsComponents, private readonly records: GroupRecords, private readonly log: Logger) {
    this.now = components.now ?? Date.now
  }

  /** The state to `stateTo` (new members), and our current key to every other member. */
  async announce (group: StoredGroup, stateTo: string[]): Promise<void> {
    await this.sendStateTo(group, stateTo)
    const distribution = ourDistribution(group)
    if (distribution == null) return
    for (const member of group.state.members) {
      if (member.userId !== this.components.self.userId) await this.sendKey(group, member.userId, distribution)
    }
  }

  async sendStateTo (group: StoredGroup, userIds: string[]): Promise<void> {
    const control = encodeGroupControl({ type: 'state', state: group.state })
    for (const id of userIds) if (id !== this.components.self.userId) await this.components.sendControl(id, control)
  }

  async sendKey (group: StoredGroup, userId: string, distribution: Uint8Array): Promise<void> {
    await this.components.sendControl(userId, encodeGroupControl({ type: 'sender-key', groupId: group.state.groupId, epoch: group.state.epoch, distribution }))
  }

  /** A member asks for our key again (theirs was lost on the way). */
  async onKeyRequest (group: StoredGroup | undefined, from: string): Promise<void> {
    if (group == null || !isMember(group.state, from) || group.removed === true) return
    const distribution = distributionFor(group, from)
    if (distribution != null) await this.sendKey(group, from, distribution)
  }

  async onSenderKey (group: StoredGroup | undefined, groupId: string, from: string, control: Extract<GroupControl, { type: 'sender-key' }>): Promise<void> {
    const { store } = this.components
    if (group == null) {
      // The state that names this group may still be on its way (another session, another mailbox).
      const pending = await store.loadSetting<UnknownGroupKey[]>(PENDING_KEYS_SETTING) ?? []
      pending.push({ groupId, from, epoch: control.epoch, distribution: control.distribution })
      await store.saveSetting(PENDING_KEYS_SETTING, pending.slice(-MAX_UNKNOWN_GROUP_KEYS))
      return
    }
    if (group.removed === true) return
    const next = acceptSenderKey(group, from, control.epoch, control.distribution)
    if (next === group) return
    await this.commitReopened(next)
  }

  /** Keys that came before this group's first state are taken now. */
  async takeUnknownGroupKeys (group: StoredGroup): Promise<StoredGroup> {
    const { store } = this.components
    const pending = await store.loadSetting<UnknownGroupKey[]>(PENDING_KEYS_SETTING) ?? []
    const mine = pending.filter((k) => k.groupId === group.state.groupId)
    if (mine.length === 0) return group
    await store.saveSetting(PENDING_KEYS_SETTING, pending.filter((k) => k.groupId !== group.state.groupId))
    let next = group
    for (const k of mine) next = acceptSenderKey(next, k.from, k.epoch, k.distribution)
    return next
  }

  /** Asks an author for their key, at most once a minute per group and author. */
  async requestKey (group: StoredGroup, author: string): Promise<void> {
    if (!isMember(group.state, author)) return
    const key = `${group.state.groupId} ${author}`
    if (this.now() - (this.keyRequests.get(key) ?? -Infinity) < KEY_REQUEST_INTERVAL_MS) return
    this.keyRequests.set(key, this.now())
    await this.components.sendControl(author, encodeGroupControl({ type: 'key-request', groupId: group.state.groupId }))
      .catch((err: unknown) => { this.log.error('could not ask %s for their key', author, err) })
  }

  /** A key arrived: messages that waited for it (and were written by its sender) are read now, in render order. */
  private async commitReopened (start: StoredGroup): Promise<void> {
    const { store, bus } = this.components
    const { group, opened } = reopenWaiting(start, await store.listGroupMessages(start.state.groupId), this.now())
    await store.commitGroup(group, opened)
    this.records.remember(group)
    if (opened.length > 0) bus.emit({ kind: 'group-messages', groupId: group.state.groupId, messages: opened })
  }
}
