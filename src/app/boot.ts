import type { MessengerStore, Network } from '../core/ports/index.ts'
import { INVITE_MAX_RELAYS } from '../core/invite.ts'
import { Diagnostics, errorMessage } from '../diagnostics/index.ts'
import { ProfileVault, type KeyChange, type VaultLocks } from '../store/vault.ts'
import { fetchAppConfig, isLocalOrigin, type AppConfig } from '../net/app-config.ts'
import { Messenger } from './messenger.ts'
import { assertDisplayName, ProfileError } from './profile.ts'
import { createPushClient, loadPushRegistration, renewPushRegistration, type PushClient } from './push/push-client.ts'
import { mergeRelays, parseRelayListSetting } from './relay-list.ts'
import { retryStart } from './retry-start.ts'
import { onReconnectChance } from '../net/reconnect-chance.ts'

/** What the relay that served the app configured: relays, ICE servers (Settings shows them). */
export type { AppConfig }
/** The shortest passphrase Settings accepts (the UI says so when a shorter one is refused). */
export { MIN_PASSPHRASE_CHARS } from '../store/storage-key.ts'

export type StartPhase = 'onboarding' | 'locked' | 'ready'

export interface KdfProgress {
  onProgress?: (fraction: number) => void
}

/**
 * Every tab holds this Web Lock shared from start-up; replacing the storage key takes it
 * exclusively, so no tab has the store open while records are re-sealed.
 */
const VAULT_LOCK = 'murmur:vault'
/** Tells the profile's other tabs that the storage key is being replaced: they close and reload. */
const VAULT_CHANNEL = 'murmur:vault'
/** A relay that does not hand out its configuration within this long counts as down for this try. */
const CONFIG_TIMEOUT_MS = 5_000

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
  private releaseVault: (() => void) | undefined
  private channel: BroadcastChannel | undefined
  /** The store was closed to replace the storage key: only a reload brings the profile back. */
  closedForKeyChange = false
  /** Ends the start-up retries when the profile closes. */
  private readonly closing = new AbortController()

  /** Opens the database; `ready` when the profile opened without a passphrase. */
  async open (): Promise<StartPhase> {
    await this.holdVault()
    const vault = this.vault = await ProfileVault.open('murmur', this.vaultLocks())
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

  /**
   * Replaces the storage key with one wrapped under `passphrase` and re-seals every record.
   * The profile closes here and in every other tab: reload afterwards (it asks for the passphrase).
   */
  async setPassphrase (passphrase: string, confirmation: string, options: KdfProgress = {}): Promise<void> {
    if (passphrase !== confirmation) throw new ProfileError('passphrase-mismatch', 'The two passphrases differ.')
    await this.changeKey(async (vault) => vault.preparePassphrase(passphrase, options))
  }

  /** The same, back to a key this browser keeps; only with the current passphrase. */
  async removePassphrase (passphrase: string, options: KdfProgress = {}): Promise<void> {
    await this.changeKey(async (vault) => vault.prepareRemoval(passphrase, options))
  }

  private async changeKey (prepare: (vault: ProfileVault) => Promise<KeyChange>): Promise<void> {
    const vault = this.requireVault()
    // Slow (scrypt) and refusable (a short or wrong passphrase): nothing has changed yet.
    const change = await prepare(vault)
    await this.closeForKeyChange()
    await vault.applyKeyChange(change)
  }

  /** Stops every service and closes the store; lets go of the shared lock. */
  private async closeForKeyChange (): Promise<void> {
    this.closedForKeyChange = true
    this.closing.abort()
    if (this.messenger != null) await this.messenger.close()
    else this.store?.close()
    this.messenger = undefined
    this.store = undefined
    this.releaseVault?.()
    this.releaseVault = undefined
  }

  /** Another tab replaces the storage key: close, wait until it is done, start again. */
  private async yieldToKeyChange (): Promise<void> {
    await this.closeForKeyChange()
    const locks = globalThis.navigator?.locks
    // Queued behind that tab's exclusive request: granted once the records are re-sealed.
    if (locks != null) await locks.request(VAULT_LOCK, { mode: 'shared' }, async () => {})
    location.reload()
  }

  /** Holds the vault lock shared for as long as this page runs (or until the key changes). */
  private async holdVault (): Promise<void> {
    const locks = globalThis.navigator?.locks
    if (this.channel == null && typeof BroadcastChannel !== 'undefined') {
      this.channel = new BroadcastChannel(VAULT_CHANNEL)
      this.channel.onmessage = () => {
        this.yieldToKeyChange().catch((err: unknown) => { this.diagnostics.forComponent('murmur:boot').error('closing for a key change failed', err) })
      }
    }
    if (locks == null || this.releaseVault != null) return
    await new Promise<void>((granted) => {
      void locks.request(VAULT_LOCK, { mode: 'shared' }, async () => {
        granted()
        await new Promise<void>((release) => { this.releaseVault = release })
      })
    })
  }

  private vaultLocks (): VaultLocks {
    return {
      exclusive: async (fn) => {
        const locks = globalThis.navigator?.locks
        if (locks == null) return await fn()
        // Our own shared hold would block us (unlocking a profile whose key change a crash
        // cut short): let go of it for the while.
        const held = this.releaseVault != null
        this.releaseVault?.()
        this.releaseVault = undefined
        const run = locks.request(VAULT_LOCK, { mode: 'exclusive' }, fn)
        // Told after the request is queued, so the other tabs' next request waits behind it.
        this.channel?.postMessage('key-change')
        try {
          return await run
        } finally {
          if (held) await this.holdVault()
        }
      }
    }
  }

  /**
   * Loads the network half and connects: the relays the serving relay names, those this
   * person added, and those built in. Every step is tried again until it works, for as long
   * as the page is open (src/app/retry-start.ts); `connectivity.startup` says where it
   * stands. Returns the configuration in use (Settings shows it).
   */
  async connect (userRelays: string[]): Promise<AppConfig> {
    const messenger = this.requireMessenger()
    const log = this.diagnostics.forComponent('murmur:boot')
    const network = await retryStart({
      attempt: async () => this.startNetworkOnce(messenger, userRelays),
      onStatus: (status) => {
        if (status.phase === 'waiting') log('networking did not start (%s), trying again in %d ms', errorMessage(status.error), status.retryAt - Date.now())
        messenger.connectivity.startupChanged(status)
      },
      signal: this.closing.signal,
      wake: onReconnectChance
    })
    await messenger.attachNetwork(network)
    this.renewPush()
    return this.requireConfig()
  }

  /** One try at every start-up step; a failure leaves nothing running (startNetwork cleans up). */
  private async startNetworkOnce (messenger: Messenger, userRelays: string[]): Promise<Network> {
    const served = await fetchAppConfig(undefined, AbortSignal.timeout(CONFIG_TIMEOUT_MS))
    const relays = mergeRelays({
      served: served.relays,
      user: userRelays,
      buildTime: parseRelayListSetting(import.meta.env.VITE_MURMUR_RELAYS, 'VITE_MURMUR_RELAYS')
    })
    this.config = { ...served, relays }
    this.relays = relays
    // libp2p is a chunk of its own, loaded only now: the profile and history show first.
    const { startNetwork } = await import('../net/tab-network.ts')
    return startNetwork(messenger, {
      config: this.config,
      allowPrivateAddresses: isLocalOrigin(location.hostname),
      datastoreName: 'murmur-dht',
      events: this.diagnostics,
      logger: this.diagnostics
    })
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

  private requireConfig (): AppConfig {
    if (this.config == null) throw new Error('Murmur has not read its configuration yet.')
    return this.config
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
