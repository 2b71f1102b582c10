import type { Messenger } from '../../app/messenger.ts'

/**
 * Whether every message is safe if this tab closes now. When the page is hidden, frozen
 * or about to go (visibilitychange, freeze, pagehide, beforeunload), what is neither
 * delivered nor in a mailbox is written to the mailbox first, as far as the browser lets
 * the page run. Only when that leaves something unsafe does the conversation say "Not yet
 * stored", and only then does closing the tab ask first (beforeunload).
 */
export class LeavingState {
  /** Messages neither delivered nor in a mailbox, as last counted. */
  unsafe = $state(0)
  /** Securing them was tried (the page was hidden or closing) and some are still not stored. */
  notYetStored = $state(false)
  private securing: Promise<void> | undefined
  private counting = false
  private countAgain = false

  constructor (private readonly messenger: Pick<Messenger, 'secureUnsent' | 'unsentCount'>) {}

  /** Listens to the page's lifecycle for as long as the page lives. */
  attach (): void {
    document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') void this.secure() })
    document.addEventListener('freeze', () => { void this.secure() })
    window.addEventListener('pagehide', () => { void this.secure() })
    window.addEventListener('beforeunload', (event) => {
      void this.secure()
      // Only when something would be lost: a prompt on every close teaches people to ignore it.
      if (this.unsafe > 0) event.preventDefault()
    })
    void this.recount()
  }

  /** A message moved on: count again (one count at a time, the last change always counted). */
  async recount (): Promise<void> {
    if (this.counting) { this.countAgain = true; return }
    this.counting = true
    try {
      do {
        this.countAgain = false
        this.unsafe = await this.messenger.unsentCount()
      } while (this.countAgain)
      if (this.unsafe === 0) this.notYetStored = false
    } finally {
      this.counting = false
    }
  }

  /** Writes what is unsafe to the mailbox now; one attempt at a time. */
  async secure (): Promise<void> {
    this.securing ??= (async () => {
      try {
        this.unsafe = await this.messenger.secureUnsent()
        this.notYetStored = this.unsafe > 0
      } finally {
        this.securing = undefined
      }
    })()
    await this.securing
  }
}
