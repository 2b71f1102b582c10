import type { Conversations } from '../../app/conversations.ts'
import type { GroupInvitations } from '../../app/groups/group-invitations.ts'
import type { Requests } from '../../app/requests.ts'
import type { PendingInvitation } from '../../core/group/index.ts'
import type { StoredContact, StoredMessage } from '../../core/ports/index.ts'

/** Message requests (Accept, Delete, Block) with their group invitations (Join, Decline), and the blocked list. */
export class RequestsState {
  list = $state.raw<StoredContact[]>([])
  messages = $state.raw<Record<string, StoredMessage[]>>({})
  invitations = $state.raw<Record<string, PendingInvitation[]>>({})
  blocked = $state.raw<string[]>([])

  constructor (private readonly requests: Requests, private readonly conversations: Conversations, private readonly groupInvitations: GroupInvitations) {}

  async refresh (): Promise<void> {
    const list = await this.requests.list()
    const messages: Record<string, StoredMessage[]> = {}
    for (const r of list) messages[r.userId] = await this.conversations.messages(r.userId)
    const invitations: Record<string, PendingInvitation[]> = {}
    for (const invitation of await this.groupInvitations.list()) (invitations[invitation.from] ??= []).push(invitation)
    this.list = list
    this.messages = messages
    this.invitations = invitations
    this.blocked = await this.requests.blocked()
  }

  /** Joins the group: its inviter becomes a contact (the request is accepted). */
  async join (invitation: PendingInvitation): Promise<void> { await this.groupInvitations.join(invitation.groupId, invitation.from); await this.refresh() }
  async decline (invitation: PendingInvitation): Promise<void> { await this.groupInvitations.decline(invitation.groupId, invitation.from); await this.refresh() }

  /** A conversation changed: a request's messages are read again. */
  async changed (contactId: string): Promise<void> {
    if (this.list.some((r) => r.userId === contactId)) await this.refresh()
  }

  async accept (userId: string): Promise<void> { await this.requests.accept(userId); await this.refresh() }
  async remove (userId: string): Promise<void> { await this.requests.remove(userId); await this.refresh() }
  async block (userId: string): Promise<void> { await this.requests.block(userId); await this.refresh() }
  async unblock (userId: string): Promise<void> { await this.requests.unblock(userId); await this.refresh() }
}
