import type { Boot } from '../../app/boot.ts'
import type { Diagnostics } from '../../diagnostics/index.ts'
import type { MessengerChange } from '../../app/change-bus.ts'
import type { Messenger } from '../../app/messenger.ts'
import { ContactsState } from './contacts-state.svelte.ts'
import { ConversationState } from './conversation-state.svelte.ts'
import { GroupsState } from './groups-state.svelte.ts'
import { NavigationState } from './navigation-state.svelte.ts'
import { NetworkState } from './network-state.svelte.ts'
import { ProfileState } from './profile-state.svelte.ts'
import { RequestsState } from './requests-state.svelte.ts'
import type { PwaState } from './pwa-state.svelte.ts'
import { SettingsState } from './settings-state.svelte.ts'

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
  readonly diagnostics: Diagnostics

  constructor (private readonly messenger: Messenger, private readonly boot: Boot, readonly pwa: PwaState) {
    this.profile = new ProfileState(messenger.profile, boot)
    this.contacts = new ContactsState(messenger.contacts, messenger.connectivity, messenger.requests)
    this.requests = new RequestsState(messenger.requests, messenger.conversations)
    this.conversation = new ConversationState(messenger.conversations, this.contacts)
    this.groups = new GroupsState(messenger.groups, messenger.contacts, this.contacts, { userId: messenger.userId, name: messenger.name })
    this.navigation = new NavigationState(this.conversation, this.groups)
    this.network = new NetworkState(messenger.connectivity)
    this.settings = new SettingsState(boot, messenger.conversations, messenger.pushSharing, pwa)
    this.diagnostics = boot.diagnostics
  }

  /** Reads what the screens show first, and starts hearing changes. */
  async start (): Promise<void> {
    this.messenger.bus.subscribe((change) => { void this.onChange(change) })
    document.addEventListener('visibilitychange', () => { this.conversation.markSeen() })
    await this.settings.load()
    await this.contacts.refresh()
    await this.requests.refresh()
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
      case 'contacts': await this.requests.refresh(); return this.contacts.refresh()
      case 'messages': await this.requests.changed(change.contactId); return this.conversation.changed(change.contactId, change.message)
      case 'status': return this.contacts.statusChanged(change.contactId)
      case 'relay': return this.network.relayChanged()
      case 'notice': this.conversation.notice = change.notice; return
      case 'groups': return this.groups.refresh()
      case 'group-messages': return this.groups.changed(change.groupId, change.messages)
    }
  }
}
