import type { Boot } from '../../app/boot.ts'
import type { Diagnostics } from '../../diagnostics/index.ts'
import type { MessengerChange } from '../../app/change-bus.ts'
import type { Messenger } from '../../app/messenger.ts'
import { ContactsState } from './contacts-state.svelte.ts'
import { ConversationState } from './conversation-state.svelte.ts'
import { GroupsState } from './groups-state.svelte.ts'
import { LeavingState } from './leaving-state.svelte.ts'
import { NavigationState } from './navigation-state.svelte.ts'
import { NetworkState } from './network-state.svelte.ts'
import { ProfileState } from './profile-state.svelte.ts'
import { RequestsState } from './requests-state.svelte.ts'
import type { PwaState } from './pwa-state.svelte.ts'
import { SettingsState } from './settings-state.svelte.ts'
import { SummariesState } from './summaries-state.svelte.ts'

/**
 * Everything the UI shows once a profile is open: one state class per app service, each
 * handed to the components that need it (src/ui/context.ts), fed by the messenger's bus.
 */
export class Session {
  readonly profile: ProfileState
  readonly contacts: ContactsState
  readonly requests: RequestsState
  readonly conversation: ConversationState
  readonly groups: GroupsState
  readonly navigation: NavigationState
  readonly network: NetworkState
  readonly settings: SettingsState
  readonly summaries: SummariesState
  readonly leaving: LeavingState
  readonly diagnostics: Diagnostics

  /**
   * `onArrival`: a conversation gained an unread message (the UI shows "New message" when
   * the tab is hidden; src/ui/state/arrival-notification.ts).
   */
  constructor (private readonly messenger: Messenger, private readonly boot: Boot, readonly pwa: PwaState, onArrival: () => void = () => {}) {
    this.profile = new ProfileState(messenger.profile, boot)
    this.contacts = new ContactsState(messenger.contacts, messenger.connectivity, messenger.requests)
    this.requests = new RequestsState(messenger.requests, messenger.conversations, messenger.groups.invitations)
    this.conversation = new ConversationState(messenger.conversations, this.contacts)
    this.summaries = new SummariesState(messenger.conversations, messenger.groups, messenger.userId, onArrival)
    this.groups = new GroupsState(messenger.groups, messenger.contacts, this.contacts, { userId: messenger.userId, name: messenger.name },
      (groupId) => { void this.summaries.groupSeen(groupId) })
    this.navigation = new NavigationState(this.conversation, this.groups)
    this.network = new NetworkState(messenger.connectivity)
    this.settings = new SettingsState(boot, messenger.conversations, messenger.pushSharing, pwa)
    this.diagnostics = boot.diagnostics
    this.leaving = new LeavingState(messenger)
  }

  /** Reads what the screens show first, and starts hearing changes. */
  async start (): Promise<void> {
    this.messenger.bus.subscribe((change) => { void this.onChange(change) })
    document.addEventListener('visibilitychange', () => {
      this.conversation.markSeen()
      this.groups.markSeen()
    })
    this.leaving.attach()
    await this.settings.load()
    await this.contacts.refresh()
    await this.requests.refresh()
    // Not awaited: the list shows at once, and the counts and previews fill in as each history is read.
    this.loadSummaries().catch((err: unknown) => { this.diagnostics.forComponent('murmur:summaries')('reading the conversation summaries failed', err) })
  }

  /** Summaries of conversations not summarized yet (all at start, then new contacts and groups). */
  private async loadSummaries (): Promise<void> {
    await this.summaries.load(this.contacts.list.map((c) => c.userId), this.groups.list.map((g) => g.groupId))
  }

  /** Loads the network half after the first paint and connects. */
  async connect (): Promise<void> {
    try {
      this.network.config = await this.boot.connect(this.network.userRelays)
      await this.profile.refreshInvite()
      this.network.error = undefined
    } catch (err) {
      this.network.error = { error: err }
    }
  }

  /** A push arrived while this tab is open: someone left mail. */
  pushReceived (): void {
    void this.messenger.duties.pushReceived()
  }

  /** Opens a contact's conversation, adding them first from an invite or ID. */
  async addContact (input: string): Promise<void> {
    const contact = await this.contacts.add(input)
    await this.navigation.showContact(contact.userId)
  }

  private async onChange (change: MessengerChange): Promise<void> {
    switch (change.kind) {
      case 'contacts': await this.requests.refresh(); await this.contacts.refresh(); return this.loadSummaries()
      case 'messages':
        void this.leaving.recount()
        await this.requests.changed(change.contactId)
        // The summary first: reading the open conversation then moves it on again.
        await this.summaries.directChanged(change.contactId, change.message)
        return this.conversation.changed(change.contactId, change.message)
      case 'status': return this.contacts.statusChanged(change.contactId)
      case 'relay': return this.network.relayChanged()
      case 'notice': this.conversation.notice = change.notice; return
      case 'groups': this.groups.refresh(); return this.loadSummaries()
      case 'group-messages':
        await this.summaries.groupChanged(change.groupId, change.messages)
        return this.groups.changed(change.groupId, change.messages)
    }
  }
}
