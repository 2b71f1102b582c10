import type { ConversationState } from './conversation-state.svelte.ts'
import type { GroupsState } from './groups-state.svelte.ts'

/** Which conversation is open: one contact's, one group's, or none. */
export class NavigationState {
  constructor (private readonly conversation: ConversationState, private readonly groups: GroupsState) {}

  get open (): boolean {
    return this.conversation.contactId != null || this.groups.groupId != null
  }

  async showContact (userId: string | undefined): Promise<void> {
    await this.groups.open(undefined)
    await this.conversation.open(userId)
  }

  async showGroup (groupId: string | undefined): Promise<void> {
    await this.conversation.open(undefined)
    await this.groups.open(groupId)
  }
}
