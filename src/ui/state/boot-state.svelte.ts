import { Boot } from '../../app/boot.ts'
import { notifyArrival } from './arrival-notification.ts'
import { LocaleState } from './locale-state.svelte.ts'
import { PwaState } from './pwa-state.svelte.ts'
import { Session } from './session.svelte.ts'

export type Phase = 'loading' | 'onboarding' | 'locked' | 'ready' | 'failed'

const INVITE_HASH = /^#\/i\/(.+)$/

/** Start-up as the person sees it: opening, a passphrase to unlock, a profile to create, then the app. */
export class BootState {
  phase = $state<Phase>('loading')
  /** Why storage did not open (the UI words it, src/ui/i18n/errors.ts). */
  failure = $state.raw<{ error: unknown }>()
  /** Progress of the passphrase key derivation (0..1) while it runs. */
  kdfProgress = $state<number>()
  session = $state.raw<Session>()
  /** Service worker, offline state, storage persistence. */
  readonly pwa = new PwaState()
  private readonly boot = new Boot()
  /** This tab's logs and events: Settings → Diagnostics shows them, the benchmarks read them. */
  readonly diagnostics = this.boot.diagnostics
  /** The language the UI speaks, from the browser's languages or the person's choice. */
  readonly locale = new LocaleState({
    storage: localStorage, languages: navigator.languages, log: this.diagnostics.forComponent('murmur:locale')
  })
  private pendingInvite: string | undefined

  async start (): Promise<void> {
    this.pendingInvite = takeInviteFromHash()
    // A push while this tab is open: someone left mail, so read the mailboxes now.
    this.pwa.start(() => { this.session?.pushReceived() }, this.diagnostics.forComponent('murmur:pwa'))
    // An invite link pasted into the address bar of an open tab changes only the hash.
    window.addEventListener('hashchange', () => {
      const invite = takeInviteFromHash()
      if (invite == null) return
      if (this.session != null) void this.openInvite(this.session, invite)
      else this.pendingInvite = invite
    })
    try {
      await this.enter(await this.boot.open())
    } catch (err) {
      this.phase = 'failed'
      this.failure = { error: err }
    }
  }

  /** Unlocks a passphrase-protected profile; a wrong passphrase throws and changes nothing. */
  async unlock (passphrase: string): Promise<void> {
    try {
      await this.enter(await this.boot.unlock(passphrase, { onProgress: (f) => { this.kdfProgress = f } }))
    } finally {
      this.kdfProgress = undefined
    }
  }

  async createProfile (name: string): Promise<void> {
    await this.boot.createProfile(name)
    await this.enter('ready')
  }

  private async enter (phase: 'onboarding' | 'locked' | 'ready'): Promise<void> {
    const messenger = this.boot.messenger
    if (phase !== 'ready' || messenger == null) {
      this.phase = phase
      return
    }
    const session = new Session(messenger, this.boot, this.pwa, () => { this.notifyArrival() })
    await session.start()
    this.session = session
    this.phase = 'ready'
    await session.profile.refreshInvite()
    if (this.pendingInvite != null) {
      const invite = this.pendingInvite
      this.pendingInvite = undefined
      await this.openInvite(session, invite)
    }
    // libp2p is loaded after the first paint: the profile and history show at once.
    requestAnimationFrame(() => { setTimeout(() => { void session.connect() }, 0) })
  }

  /** A message arrived: "New message" if the tab is hidden and notifications are allowed, never who or what. */
  private notifyArrival (): void {
    const { t } = this.locale
    notifyArrival({ title: t('unread.notificationTitle'), body: t('unread.notificationBody') }).catch((err: unknown) => {
      this.diagnostics.forComponent('murmur:notify')('the new-message notification failed', err)
    })
  }

  private async openInvite (session: Session, invite: string): Promise<void> {
    await session.addContact(invite).catch((err: unknown) => {
      session.conversation.notice = { code: 'error', params: { error: err } }
    })
  }
}

function takeInviteFromHash (): string | undefined {
  const match = INVITE_HASH.exec(location.hash)
  if (match == null) return undefined
  history.replaceState(null, '', location.pathname + location.search)
  return location.href.split('#')[0] + '#/i/' + match[1]
}
