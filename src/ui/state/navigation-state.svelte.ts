import type { ConversationState } from './conversation-state.svelte.ts'
import type { GroupsState } from './groups-state.svelte.ts'

/** Which conversation is open: one contact's, one group's, or none. */
export class NavigationState {
  /** Counts each time a conversation is opened (a click on one already open too): the composer takes the focus on each. */
  opened = $state(0)

  constructor (private readonly conversation: ConversationState, private readonly groups: GroupsState) {}

  get open (): boolean {
    return this.conversation.contactId != null || this.groups.groupId != null
  }

  async showContact (userId: string | undefined): Promise<void> {
    await this.groups.open(undefined)
    await this.conversation.open(userId)
    if (userId != null) this.opened++
  }

  async showGroup (groupId: string | undefined): Promise<void> {
    await this.conversation.open(undefined)
    await this.groups.open(groupId)
    if (groupId != null) this.opened++
  }
}
