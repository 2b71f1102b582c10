import type { StoredMessage } from '../core/ports/index.ts'

/** The changes one tab tells the profile's other tabs about: they share the database, not memory. */
export type SyncedChange =
  | { kind: 'contacts' }
  | { kind: 'messages', contactId: string, message?: StoredMessage }
  | { kind: 'groups' }
  | { kind: 'group-messages', groupId: string }

/**
 * Keeps every tab of a profile current: a message stored or moved on in one tab (sent there,
 * or arrived on that tab's link or drain) shows in the others at once. A BroadcastChannel
 * per profile; nothing leaves the browser. Where there is none (old browsers), tabs catch
 * up when they next read the store.
 */
export class TabSync {
  private readonly channel: BroadcastChannel | undefined

  constructor (profileId: string, onRemote: (change: SyncedChange) => void) {
    if (typeof BroadcastChannel !== 'function') return
    this.channel = new BroadcastChannel(`murmur:tabs:${profileId}`)
    this.channel.onmessage = (event: MessageEvent<SyncedChange>) => {
      const change = event.data
      if (change?.kind === 'contacts' || change?.kind === 'groups' ||
        (change?.kind === 'messages' && typeof change.contactId === 'string') ||
        (change?.kind === 'group-messages' && typeof change.groupId === 'string')) onRemote(change)
    }
    // In Node (unit tests) an open channel would keep the process alive.
    ;(this.channel as { unref?: () => void }).unref?.()
  }

  post (change: SyncedChange): void {
    this.channel?.postMessage(change)
  }

  close (): void {
    this.channel?.close()
  }
}
