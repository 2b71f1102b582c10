import type { ConversationState } from './conversation-state.svelte.ts'
import type { GroupsState } from './groups-state.svelte.ts'

/**
 * What the main area shows: one contact's conversation, one group's, the settings, or
 * nothing yet. On a phone only one pane fits: the list while nothing is open, else the open
 * view with a way back.
 */
export class NavigationState {
  /** Counts each time a conversation is opened (a click on one already open too): the composer takes the focus on each. */
  opened = $state(0)
  settingsOpen = $state(false)

  constructor (private readonly conversation: ConversationState, private readonly groups: GroupsState) {}

  /** Something fills the main area (a phone then hides the list). */
  get open (): boolean {
    return this.settingsOpen || this.conversation.contactId != null || this.groups.groupId != null
  }

  async showContact (userId: string | undefined): Promise<void> {
    this.settingsOpen = false
    await this.groups.open(undefined)
    await this.conversation.open(userId)
    if (userId != null) this.opened++
  }

  async showGroup (groupId: string | undefined): Promise<void> {
    this.settingsOpen = false
    await this.conversation.open(undefined)
    await this.groups.open(groupId)
    if (groupId != null) this.opened++
  }

  /** Settings take the main area; the open conversation stays open behind them. */
  showSettings (open: boolean): void {
    this.settingsOpen = open
  }

  /** Back to the list: closes the settings, else the open conversation. */
  async back (): Promise<void> {
    if (this.settingsOpen) this.settingsOpen = false
    else if (this.groups.groupId != null) await this.showGroup(undefined)
    else await this.showContact(undefined)
  }
}
