import { dropInvitations, holdInvitation, memberName, type GroupState, type PendingInvitation } from '../../core/group/index.ts'
import type { Logger } from '../../diagnostics/index.ts'
import { withLock } from '../locks.ts'
import { GroupError, type GroupsComponents } from './group-context.ts'

/** The profile setting: group invitations from people who are not contacts (src/core/group/invitations.ts). */
export const INVITATIONS_SETTING = 'group-invitations'
const LOCK = 'murmur:group-invitations'

/**
 * Group invitations as message requests (docs/SECURITY.md, "Who reaches me"): a state from
 * someone who is not a contact is held, bounded, beside their request; joining accepts the
 * inviter and applies the state then; declining forgets it. An invitation whose inviter was
 * deleted or blocked is forgotten with them.
 */
export class GroupInvitations {
  private readonly now: () => number

  constructor (
    private readonly components: GroupsComponents,
    /** Applies an invitation's state as a contact's (the caller made the inviter one). */
    private readonly apply: (state: GroupState, from: string) => Promise<void>,
    private readonly log: Logger
  ) {
    this.now = components.now ?? Date.now
  }

  /** Held invitations, newest first, from people still in the requests. */
  async list (): Promise<PendingInvitation[]> {
    return (await this.pruned()).sort((a, b) => b.receivedAt - a.receivedAt)
  }

  /** A state from `from`, who is not a contact: held as a request, or refused past the bounds. */
  async hold (from: string, state: GroupState): Promise<void> {
    const name = memberName(state, from) ?? `${from.slice(0, 10)}…`
    await withLock(LOCK, async () => {
      const held = await this.pruned()
      const result = holdInvitation(held, { from, groupId: state.groupId, state, receivedAt: this.now() })
      if (!result.ok) throw new GroupError('invitations-full', `A group invitation was refused: ${result.reason === 'full' ? 'too many are waiting' : 'this person has too many waiting'}.`)
      await this.components.invitedBy(from, name)
      await this.components.store.saveSetting(INVITATIONS_SETTING, result.invitations)
    })
    this.components.bus.emit({ kind: 'contacts' })
  }

  /** Joins: the inviter becomes a contact and the group is ours. */
  async join (groupId: string, from: string): Promise<void> {
    const invitation = await this.take(groupId, from)
    if (invitation == null) throw new GroupError('no-group', 'That invitation is gone.')
    await this.components.acceptInviter(from)
    await this.apply(invitation.state, from)
    this.log('joined %s on an invitation from %s', groupId, from)
  }

  async decline (groupId: string, from: string): Promise<void> {
    await this.take(groupId, from)
  }

  private async take (groupId: string, from: string): Promise<PendingInvitation | undefined> {
    let taken: PendingInvitation | undefined
    await withLock(LOCK, async () => {
      const held = await this.load()
      taken = held.find((i) => i.groupId === groupId && i.from === from)
      if (taken != null) await this.components.store.saveSetting(INVITATIONS_SETTING, dropInvitations(held, (i) => i === taken))
    })
    this.components.bus.emit({ kind: 'contacts' })
    return taken
  }

  /** The held list without invitations whose inviter is gone (deleted, blocked). */
  private async pruned (): Promise<PendingInvitation[]> {
    const held = await this.load()
    const gone = new Set<string>()
    for (const from of new Set(held.map((i) => i.from))) if (await this.components.standing(from) === 'none') gone.add(from)
    return dropInvitations(held, (i) => gone.has(i.from))
  }

  private async load (): Promise<PendingInvitation[]> {
    return await this.components.store.loadSetting<PendingInvitation[]>(INVITATIONS_SETTING) ?? []
  }
}
