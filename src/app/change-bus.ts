import type { StoredGroupMessage, StoredMessage } from '../core/ports/index.ts'
import type { ComponentLogger } from '../diagnostics/index.ts'
import { TabSync, type SyncedChange } from './tab-sync.ts'

/**
 * Something the person should be told: a code with what its sentence needs. The words live
 * in the UI's message catalogue (src/ui/i18n/), in every language; nothing here is English.
 */
export type Notice =
  /** A message waits: the contact is offline and we hold no mailbox secret of theirs. */
  | { code: 'no-mailbox', params: { name: string } }
  /** Writing to a contact's mailbox failed; the UI words the error (src/ui/i18n/errors.ts). */
  | { code: 'mailbox-write-failed', params: { error: unknown } }

export type MessengerChange =
  | { kind: 'contacts' }
  /** `message` is the one message that was added or moved on, when that is all that changed. */
  | { kind: 'messages', contactId: string, message?: StoredMessage }
  | { kind: 'status', contactId: string }
  | { kind: 'relay' }
  /** Something the person should be told (why a message waits, say). */
  | { kind: 'notice', notice: Notice }
  | { kind: 'groups' }
  /** `messages`: the rows added or read just now, when that is all that changed. */
  | { kind: 'group-messages', groupId: string, messages?: StoredGroupMessage[] }

export type ChangeListener = (change: MessengerChange) => void

export interface ChangeBusInit {
  /** Names the profile's channel between its tabs. */
  profileId: string
  /**
   * Another tab of this profile changed the store: runs before listeners hear of it, so
   * what they read back is already current here (groups reloaded, new contacts watched).
   */
  beforeOtherTab?: (change: SyncedChange) => Promise<void>
  logger: ComponentLogger
}

/**
 * The one way services tell the UI (and each other) what changed. Changes that other tabs
 * of the profile must see too (stored contacts, messages, groups) also go to them over a
 * BroadcastChannel; each tab reads the rows from the shared database itself.
 */
export class ChangeBus {
  private readonly listeners = new Set<ChangeListener>()
  private readonly tabs: TabSync

  constructor (init: ChangeBusInit) {
    const log = init.logger.forComponent('murmur:change-bus')
    this.tabs = new TabSync(init.profileId, (change) => {
      void (async () => {
        await init.beforeOtherTab?.(change)
        this.tell(change)
      })().catch((err: unknown) => { log.error('a change from another tab failed here', err) })
    })
  }

  subscribe (listener: ChangeListener): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  emit (change: MessengerChange): void {
    this.tell(change)
    if (change.kind === 'contacts' || change.kind === 'messages' || change.kind === 'groups') this.tabs.post(change)
    // Other tabs read the rows from the store themselves.
    if (change.kind === 'group-messages') this.tabs.post({ kind: 'group-messages', groupId: change.groupId })
  }

  close (): void {
    this.tabs.close()
    this.listeners.clear()
  }

  private tell (change: MessengerChange): void {
    for (const listener of this.listeners) listener(change)
  }
}
