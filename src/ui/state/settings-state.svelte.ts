import type { Boot } from '../../app/boot.ts'
import type { Conversations } from '../../app/conversations.ts'
import type { PushSharing } from '../../app/push/push-sharing.ts'
import type { PwaState } from './pwa-state.svelte.ts'

/** Settings a person changes: storage protection, read receipts, notifications. */
export class SettingsState {
  hasPassphrase = $state(false)
  /** Progress of the passphrase key derivation (0..1) while it runs. */
  kdfProgress = $state<number>()
  /** Whether contacts are told when their messages have been read. */
  readReceipts = $state(true)
  /** Whether this profile has a push token registered with the relay's gateway. */
  notifications = $state<'off' | 'enabling' | 'on'>('off')

  constructor (
    private readonly boot: Boot,
    private readonly conversations: Conversations,
    private readonly pushSharing: PushSharing,
    private readonly pwa: PwaState
  ) {
    this.hasPassphrase = boot.hasPassphrase
  }

  async load (): Promise<void> {
    this.readReceipts = await this.conversations.readReceipts()
    if (await this.boot.hasPushRegistration()) this.notifications = 'on'
  }

  /**
   * Replaces the storage key and re-seals the profile under the passphrase; then the page
   * starts again and asks for it (every other tab of the profile does too).
   */
  async setPassphrase (passphrase: string, confirmation: string): Promise<void> {
    await this.changeKey(async () => { await this.boot.setPassphrase(passphrase, confirmation, { onProgress: (f) => { this.kdfProgress = f } }) })
  }

  /** Only with the current passphrase; then the page starts again without one. */
  async removePassphrase (passphrase: string): Promise<void> {
    await this.changeKey(async () => { await this.boot.removePassphrase(passphrase, { onProgress: (f) => { this.kdfProgress = f } }) })
  }

  private async changeKey (change: () => Promise<void>): Promise<void> {
    try {
      await change()
    } finally {
      this.kdfProgress = undefined
      // Once the profile closed for the change (done, or cut short: the next unlock finishes it).
      if (this.boot.closedForKeyChange) location.reload()
    }
  }

  /** Forgets the key by starting over: nothing decrypted stays in this page's memory. */
  lock (): void {
    location.reload()
  }

  async setReadReceipts (on: boolean): Promise<void> {
    await this.conversations.setReadReceipts(on)
    this.readReceipts = on
  }

  /** Asks for permission (call from a click), subscribes and registers; throws a sentence. */
  async enableNotifications (): Promise<void> {
    this.notifications = 'enabling'
    try {
      await (await this.boot.pushClient(async () => this.pwa.registration())).enableNotifications()
      this.notifications = 'on'
      // Contacts learn the new token inside their sessions (src/app/push/push-sharing.ts).
      void this.pushSharing.shareWithAll()
    } catch (err) {
      this.notifications = 'off'
      throw err
    }
  }

  async disableNotifications (): Promise<void> {
    await (await this.boot.pushClient(async () => this.pwa.registration())).disableNotifications()
    this.notifications = 'off'
    void this.pushSharing.shareWithAll()
  }
}
