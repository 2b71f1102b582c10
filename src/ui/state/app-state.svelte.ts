import { Messenger, type MessengerChange } from '../../app/messenger.ts'
import { fetchAppConfig, isLocalOrigin, type AppConfig } from '../../net/app-config.ts'
import type { ConnectionStatus } from '../../core/ports/index.ts'
import type { StoredContact, StoredGroupMessage, StoredMessage } from '../../core/ports/index.ts'
import type { GroupView } from '../../app/groups.ts'
import { upsertGroupMessages, upsertMessage } from './message-list.ts'
import type { RelayStatus } from '../../core/ports/index.ts'
import { addUserRelay, loadUserRelays, mergeRelays, parseRelayListSetting, removeUserRelay } from '../../app/relay-list.ts'
import { INVITE_MAX_RELAYS } from '../../core/invite.ts'
import { ProfileVault } from '../../store/vault.ts'
import type { MessengerStore } from '../../core/ports/index.ts'
import { createPushClient, loadPushRegistration, type PushClient } from '../../app/push-client.ts'
import { PwaState } from './pwa-state.svelte.ts'

export type Phase = 'loading' | 'onboarding' | 'locked' | 'ready' | 'failed'

const INVITE_HASH = /^#\/i\/(.+)$/

/** Everything the UI shows, as runes, fed by the messenger's change events. */
export class AppState {
  phase = $state<Phase>('loading')
  failure = $state<string>()
  notice = $state<string>()
  relay = $state<RelayStatus>('offline')
  /** How many relays hold a reservation for this tab (two when two are known). */
  reservedRelays = $state(0)
  /** Relays this person added in Settings, kept in this browser. */
  userRelays = $state.raw<string[]>(loadUserRelays(localStorage))
  networkError = $state<string>()
  contacts = $state.raw<StoredContact[]>([])
  selectedId = $state<string>()
  messages = $state.raw<StoredMessage[]>([])
  groups = $state.raw<GroupView[]>([])
  selectedGroupId = $state<string>()
  groupMessages = $state.raw<StoredGroupMessage[]>([])
  statuses = $state<Record<string, ConnectionStatus>>({})
  inviteLink = $state('')
  userId = $state('')
  name = $state('')
  hasPassphrase = $state(false)
  /** Whether contacts are told when their messages have been read. */
  readReceipts = $state(true)
  /** The relays and ICE servers in use, as the relay configured them (shown in Settings). */
  networkConfig = $state.raw<AppConfig>()
  /** Progress of the passphrase key derivation (0..1) while it runs. */
  kdfProgress = $state<number>()
  /** Service worker, offline state, storage persistence. */
  readonly pwa = new PwaState()
  /** Whether this profile has a push token registered with the relay's gateway. */
  notifications = $state<'off' | 'enabling' | 'on'>('off')

  private messenger: Messenger | undefined
  private vault: ProfileVault | undefined
  private store: MessengerStore | undefined
  private config: AppConfig | undefined
  private pendingInvite: string | undefined
  private push: PushClient | undefined

  selected = $derived(this.contacts.find((c) => c.userId === this.selectedId))
  selectedGroup = $derived(this.groups.find((g) => g.groupId === this.selectedGroupId))

  async start (): Promise<void> {
    this.pendingInvite = takeInviteFromHash()
    // A push while this tab is open: someone left mail, so read the mailboxes now.
    this.pwa.start(() => { void this.messenger?.pushReceived() })
    // An invite link pasted into the address bar of an open tab changes only the hash.
    window.addEventListener('hashchange', () => {
      const invite = takeInviteFromHash()
      if (invite == null) return
      if (this.phase === 'ready') void this.addContact(invite).catch((err: Error) => { this.notice = err.message })
      else this.pendingInvite = invite
    })
    try {
      const vault = this.vault = await ProfileVault.open()
      this.hasPassphrase = vault.hasPassphrase
      if (vault.status === 'new') {
        this.phase = 'onboarding'
      } else if (vault.hasPassphrase) {
        this.phase = 'locked'
      } else {
        await this.openStore(await vault.unlock())
      }
    } catch (err: any) {
      this.phase = 'failed'
      this.failure = `Murmur could not open its storage: ${err?.message ?? err}. Private windows and some settings block IndexedDB.`
    }
  }

  /** Unlocks a passphrase-protected profile; a wrong passphrase throws and changes nothing. */
  async unlock (passphrase: string): Promise<void> {
    if (this.vault == null) return
    try {
      const store = await this.vault.unlock(passphrase, { onProgress: (f) => { this.kdfProgress = f } })
      await this.openStore(store)
    } finally {
      this.kdfProgress = undefined
    }
  }

  private async openStore (store: MessengerStore): Promise<void> {
    this.store = store
    const messenger = await Messenger.load(store)
    if (messenger == null) this.phase = 'onboarding'
    else await this.ready(messenger)
  }

  async createProfile (name: string): Promise<void> {
    if (this.vault == null) return
    Messenger.assertDisplayName(name)
    // A profile whose key was made but whose creation stopped halfway reuses its store.
    this.store ??= this.vault.status === 'new' ? await this.vault.create() : await this.vault.unlock()
    await this.ready(await Messenger.create(this.store, name))
  }

  async setPassphrase (passphrase: string, confirmation: string): Promise<void> {
    if (this.vault == null) return
    if (passphrase !== confirmation) throw new Error('The two passphrases differ.')
    try {
      await this.vault.setPassphrase(passphrase, { onProgress: (f) => { this.kdfProgress = f } })
      this.hasPassphrase = true
    } finally {
      this.kdfProgress = undefined
    }
  }

  async removePassphrase (): Promise<void> {
    await this.vault?.removePassphrase()
    this.hasPassphrase = false
  }

  /** Forgets the key by starting over: nothing decrypted stays in this page's memory. */
  lock (): void {
    location.reload()
  }

  private async ready (messenger: Messenger): Promise<void> {
    this.messenger = messenger
    this.userId = messenger.userId
    this.name = messenger.name
    messenger.subscribe((change) => { void this.onChange(change) })
    document.addEventListener('visibilitychange', () => { this.markSeen() })
    this.readReceipts = await messenger.readReceipts()
    await this.refreshContacts()
    this.groups = messenger.groups()
    this.phase = 'ready'
    if (this.store != null && await loadPushRegistration(this.store) != null) this.notifications = 'on'
    this.inviteLink = await messenger.inviteLink(location.origin, [])
    if (this.pendingInvite != null) {
      const invite = this.pendingInvite
      this.pendingInvite = undefined
      await this.addContact(invite).catch((err: Error) => { this.notice = err.message })
    }
    // libp2p is loaded after the first paint: the profile and history show at once.
    requestAnimationFrame(() => { setTimeout(() => { void this.connect() }, 0) })
  }

  /** Asks for permission (call from a click), subscribes and registers; throws a sentence. */
  async enableNotifications (): Promise<void> {
    this.notifications = 'enabling'
    try {
      await (await this.pushClient()).enableNotifications()
      this.notifications = 'on'
      // Contacts learn the new token inside their sessions (src/app/push-sharing.ts).
      void this.messenger?.sharePushToken()
    } catch (err) {
      this.notifications = 'off'
      throw err
    }
  }

  async disableNotifications (): Promise<void> {
    await (await this.pushClient()).disableNotifications()
    this.notifications = 'off'
    void this.messenger?.sharePushToken()
  }

  private async pushClient (): Promise<PushClient> {
    if (this.store == null) throw new Error('Create a profile first.')
    // The configuration comes with the network half; offline or early, fetch it here.
    this.config ??= await fetchAppConfig()
    this.push ??= createPushClient({
      store: this.store,
      vapidPublicKey: this.config.vapidPublicKey,
      gatewayOrigin: location.origin,
      serviceWorker: async () => this.pwa.registration()
    })
    return this.push
  }

  private async connect (): Promise<void> {
    const messenger = this.messenger
    if (messenger == null) return
    try {
      const served = await fetchAppConfig()
      const relays = mergeRelays({
        served: served.relays,
        user: this.userRelays,
        buildTime: parseRelayListSetting(import.meta.env.VITE_MURMUR_RELAYS, 'VITE_MURMUR_RELAYS')
      })
      this.config = this.networkConfig = { ...served, relays }
      this.inviteLink = await messenger.inviteLink(location.origin, relays.slice(0, INVITE_MAX_RELAYS))
      const { startNetwork } = await import('../../net/tab-network.ts')
      const network = await startNetwork(messenger, {
        config: this.config,
        allowPrivateAddresses: isLocalOrigin(location.hostname),
        datastoreName: 'murmur-dht'
      })
      await messenger.attachNetwork(network)
      this.networkError = undefined
    } catch (err: any) {
      this.networkError = `Could not start networking: ${err?.message ?? err}`
    }
  }

  async addContact (input: string): Promise<StoredContact> {
    if (this.messenger == null) throw new Error('Create a profile first.')
    const contact = await this.messenger.addContact(input)
    await this.refreshContacts()
    await this.select(contact.userId)
    return contact
  }

  async select (userId: string | undefined): Promise<void> {
    this.selectedId = userId
    this.selectedGroupId = undefined
    this.groupMessages = []
    this.notice = undefined
    this.messages = userId == null || this.messenger == null ? [] : await this.messenger.messages(userId)
    this.markSeen()
  }

  // Groups

  async createGroup (name: string, memberIds: string[]): Promise<void> {
    if (this.messenger == null) throw new Error('Create a profile first.')
    const group = await this.messenger.createGroup(name, memberIds)
    this.groups = this.messenger.groups()
    await this.selectGroup(group.groupId)
  }

  async selectGroup (groupId: string | undefined): Promise<void> {
    this.selectedGroupId = groupId
    this.selectedId = undefined
    this.messages = []
    this.notice = undefined
    this.groupMessages = groupId == null || this.messenger == null ? [] : await this.messenger.groupMessages(groupId)
  }

  async sendToGroup (text: string): Promise<void> {
    if (this.messenger == null || this.selectedGroupId == null) return
    await this.messenger.sendToGroup(this.selectedGroupId, text)
  }

  async addGroupMember (userId: string): Promise<void> {
    if (this.messenger == null || this.selectedGroupId == null) return
    await this.messenger.addGroupMember(this.selectedGroupId, userId)
  }

  async removeGroupMember (userId: string): Promise<void> {
    if (this.messenger == null || this.selectedGroupId == null) return
    await this.messenger.removeGroupMember(this.selectedGroupId, userId)
  }

  async leaveGroup (): Promise<void> {
    if (this.messenger == null || this.selectedGroupId == null) return
    await this.messenger.leaveGroup(this.selectedGroupId)
  }

  /** A member's name as this group knows it, or as a contact, or the short id. */
  memberName (userId: string): string {
    if (userId === this.userId) return this.name
    return this.selectedGroup?.members.find((m) => m.userId === userId)?.name ??
      this.contacts.find((c) => c.userId === userId)?.name ?? `${userId.slice(0, 10)}…`
  }

  /** "Retry" on a message that failed. */
  async retry (messageId: string): Promise<void> {
    await this.messenger?.retry(messageId)
  }

  /** Settings: a bad address throws RelayAddressError and changes nothing. Used from the next start. */
  addRelay (text: string): void {
    this.userRelays = addUserRelay(localStorage, text)
  }

  removeRelay (addr: string): void {
    this.userRelays = removeUserRelay(localStorage, addr)
  }

  async setReadReceipts (on: boolean): Promise<void> {
    await this.messenger?.setReadReceipts(on)
    this.readReceipts = on
  }

  /** The open conversation, on screen: its new messages are read. */
  private markSeen (): void {
    if (this.selectedId == null || document.visibilityState !== 'visible') return
    void this.messenger?.markRead(this.selectedId)
  }

  async send (text: string): Promise<void> {
    if (this.messenger == null || this.selectedId == null) return
    await this.messenger.send(this.selectedId, text)
  }

  safetyNumber (contact: StoredContact): { digits: string[], qr: string } {
    return this.messenger?.safetyNumber(contact) ?? { digits: [], qr: '' }
  }

  async setVerified (userId: string, verified: boolean): Promise<void> {
    await this.messenger?.setVerified(userId, verified)
  }

  async acceptKeyChange (userId: string): Promise<void> {
    await this.messenger?.acceptKeyChange(userId)
  }

  status (userId: string): ConnectionStatus {
    return this.statuses[userId] ?? 'offline'
  }

  private async refreshContacts (): Promise<void> {
    if (this.messenger == null) return
    this.contacts = await this.messenger.contacts()
    for (const c of this.contacts) this.statuses[c.userId] = this.messenger.status(c.userId)
  }

  private async onChange (change: MessengerChange): Promise<void> {
    const messenger = this.messenger
    if (messenger == null) return
    switch (change.kind) {
      case 'contacts':
        await this.refreshContacts()
        break
      case 'messages':
        if (change.contactId !== this.selectedId) break
        // One message added or moved on: patch the list (keeping every other object, so
        // Svelte re-renders one item) instead of reading and unsealing the conversation.
        this.messages = change.message != null
          ? upsertMessage(this.messages, change.message)
          : await messenger.messages(change.contactId)
        // New incoming messages (one, or a batch from a mailbox) on screen are read.
        if (change.message == null || (change.message.direction === 'in' && change.message.state === 'delivered')) this.markSeen()
        break
      case 'status':
        this.statuses[change.contactId] = messenger.status(change.contactId)
        break
      case 'relay':
        this.relay = messenger.relayStatus
        this.reservedRelays = messenger.reservedRelays
        break
      case 'refused':
        break
      case 'notice':
        this.notice = change.text
        break
      case 'groups':
        this.groups = messenger.groups()
        break
      case 'group-messages':
        if (change.groupId !== this.selectedGroupId) break
        this.groupMessages = change.messages != null
          ? upsertGroupMessages(this.groupMessages, change.messages)
          : await messenger.groupMessages(change.groupId)
        break
    }
  }
}

function takeInviteFromHash (): string | undefined {
  const match = INVITE_HASH.exec(location.hash)
  if (match == null) return undefined
  history.replaceState(null, '', location.pathname + location.search)
  return location.href.split('#')[0] + '#/i/' + match[1]
}
