import type { Conversations } from '../../app/conversations.ts'
import type { Requests } from '../../app/requests.ts'
import type { StoredContact, StoredMessage } from '../../core/ports/index.ts'

/** Message requests (Accept, Delete, Block) and the blocked list. */
export class RequestsState {
  list = $state.raw<StoredContact[]>([])
  messages = $state.raw<Record<string, StoredMessage[]>>({})
  blocked = $state.raw<string[]>([])

  constructor (private readonly requests: Requests, private readonly conversations: Conversations) {}

  async refresh (): Promise<void> {
    const list = await this.requests.list()
    const messages: Record<string, StoredMessage[]> = {}
    for (const r of list) messages[r.userId] = await this.conversations.messages(r.userId)
    this.list = list
    this.messages = messages
    this.blocked = await this.requests.blocked()
  }

  /** A conversation changed: a request's messages are read again. */
  async changed (contactId: string): Promise<void> {
    if (this.list.some((r) => r.userId === contactId)) await this.refresh()
  }

  async accept (userId: string): Promise<void> { await this.requests.accept(userId); await this.refresh() }
  async remove (userId: string): Promise<void> { await this.requests.remove(userId); await this.refresh() }
  async block (userId: string): Promise<void> { await this.requests.block(userId); await this.refresh() }
  async unblock (userId: string): Promise<void> { await this.requests.unblock(userId); await this.refresh() }
}
