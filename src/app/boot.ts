import type { MessengerStore } from '../core/ports/index.ts'
import { INVITE_MAX_RELAYS } from '../core/invite.ts'
import { Diagnostics } from '../diagnostics/index.ts'
import { ProfileVault } from '../store/vault.ts'
import { fetchAppConfig, isLocalOrigin, type AppConfig } from '../net/app-config.ts'
import { Messenger } from './messenger.ts'
import { assertDisplayName } from './profile.ts'
import { createPushClient, loadPushRegistration, renewPushRegistration, type PushClient } from './push/push-client.ts'
import { mergeRelays, parseRelayListSetting } from './relay-list.ts'

/** What the relay that served the app configured: relays, ICE servers (Settings shows them). */
export type { AppConfig }

export type StartPhase = 'onboarding' | 'locked' | 'ready'

export interface KdfProgress {
  onProgress?: (fraction: number) => void
}

/**
 * Start-up, in the order a tab goes through it: open the profile's database (asking for the
 * passphrase when it has one), load or create the profile and its services, then, after the
 * first paint, load the network half and connect. The UI calls these and never opens
 * storage or imports the network itself.
 */
export class Boot {
  /** This tab's logs and events (Settings → Diagnostics, and the benchmarks). */
  readonly diagnostics = new Diagnostics()
  messenger: Messenger | undefined
  private vault: ProfileVault | undefined
  private store: MessengerStore | undefined
  private config: AppConfig | undefined
  /** The relays in use once connected: the invite names the first few. */
  private relays: string[] = []
  private push: PushClient | undefined

  /** Opens the database; `ready` when the profile opened without a passphrase. */
  async open (): Promise<StartPhase> {
    const vault = this.vault = await ProfileVault.open()
    if (vault.status === 'new') return 'onboarding'
    if (vault.hasPassphrase) return 'locked'
    return this.openStore(await vault.unlock())
  }

  get hasPassphrase (): boolean {
    return this.vault?.hasPassphrase === true
  }

  /** A wrong passphrase throws and changes nothing. */
  async unlock (passphrase: string, options: KdfProgress = {}): Promise<StartPhase> {
    const vault = this.requireVault()
    return this.openStore(await vault.unlock(passphrase, options))
  }

  async createProfile (name: string): Promise<Messenger> {
    const vault = this.requireVault()
    assertDisplayName(name)
    // A profile whose key was made but whose creation stopped halfway reuses its store.
    this.store ??= vault.status === 'new' ? await vault.create() : await vault.unlock()
    this.messenger = await Messenger.create(this.store, name, { logger: this.diagnostics })
    return this.messenger
  }

  async setPassphrase (passphrase: string, confirmation: string, options: KdfProgress = {}): Promise<void> {
    if (passphrase !== confirmation) throw new Error('The two passphrases differ.')
    await this.requireVault().setPassphrase(passphrase, options)
  }

  async removePassphrase (): Promise<void> {
    await this.requireVault().removePassphrase()
  }

  /**
   * Loads the network half and connects: the relays the serving relay names, those this
   * person added, and those built in. Returns the configuration in use (Settings shows it).
   */
  async connect (userRelays: string[]): Promise<AppConfig> {
    const messenger = this.requireMessenger()
    const served = await fetchAppConfig()
    const relays = mergeRelays({
      served: served.relays,
      user: userRelays,
      buildTime: parseRelayListSetting(import.meta.env.VITE_MURMUR_RELAYS, 'VITE_MURMUR_RELAYS')
    })
    this.config = { ...served, relays }
    this.relays = relays
    // libp2p is a chunk of its own, loaded only now: the profile and history show first.
    const { startNetwork } = await import('../net/tab-network.ts')
    const network = await startNetwork(messenger, {
      config: this.config,
      allowPrivateAddresses: isLocalOrigin(location.hostname),
      datastoreName: 'murmur-dht',
      events: this.diagnostics,
      logger: this.diagnostics
    })
    await messenger.attachNetwork(network)
    this.renewPush()
    return this.config
  }

  /** The invite link, naming the relays in use once connected. */
  async inviteLink (): Promise<string> {
    return this.requireMessenger().profile.inviteLink(location.origin, this.relays.slice(0, INVITE_MAX_RELAYS))
  }

  async hasPushRegistration (): Promise<boolean> {
    return this.store != null && await loadPushRegistration(this.store) != null
  }

  async pushClient (serviceWorker: () => Promise<ServiceWorkerRegistration | undefined>): Promise<PushClient> {
    if (this.store == null) throw new Error('Create a profile first.')
    // The configuration comes with the network half; offline or early, fetch it here.
    this.config ??= await fetchAppConfig()
    this.push ??= createPushClient({ store: this.store, vapidPublicKey: this.config.vapidPublicKey, gatewayOrigin: location.origin, serviceWorker })
    return this.push
  }

  /** Keeps this profile's push registration from expiring at the gateway; best effort, logged. */
  private renewPush (): void {
    const store = this.store
    if (store == null) return
    const log = this.diagnostics.forComponent('murmur:push')
    renewPushRegistration(store).then(
      (outcome) => { if (outcome === 'forgotten') log('the push gateway had forgotten this registration: notifications are off until enabled again') },
      (err: unknown) => { log('could not renew the push registration, trying again next start: %s', err) }
    )
  }

  private async openStore (store: MessengerStore): Promise<StartPhase> {
    this.store = store
    this.messenger = await Messenger.load(store, { logger: this.diagnostics })
    return this.messenger == null ? 'onboarding' : 'ready'
  }

  private requireVault (): ProfileVault {
    if (this.vault == null) throw new Error('Murmur has not opened its storage yet.')
    return this.vault
  }

  private requireMessenger (): Messenger {
    if (this.messenger == null) throw new Error('Create a profile first.')
    return this.messenger
  }
}
