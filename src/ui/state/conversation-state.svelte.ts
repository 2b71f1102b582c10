import type { Conversations } from '../../app/conversations.ts'
import type { StoredContact, StoredMessage } from '../../core/ports/index.ts'
import type { ContactsState } from './contacts-state.svelte.ts'
import { upsertMessage } from './message-list.ts'
import type { ShownNotice } from '../i18n/errors.ts'

/** The open one-to-one conversation: its messages, writing, and what the person is told. */
export class ConversationState {
  contactId = $state<string>()
  messages = $state.raw<StoredMessage[]>([])
  /** Something to tell under the conversation (why a message waits, say), worded by src/ui/i18n/errors.ts. */
  notice = $state.raw<ShownNotice>()
  contact: StoredContact | undefined = $derived.by(() => this.contacts.find(this.contactId))
  private readonly conversations: Conversations
  private readonly contacts: ContactsState

  constructor (conversations: Conversations, contacts: ContactsState) {
    this.conversations = conversations
    this.contacts = contacts
  }

  async open (contactId: string | undefined): Promise<void> {
    this.contactId = contactId
    this.notice = undefined
    this.messages = contactId == null ? [] : await this.conversations.messages(contactId)
    this.markSeen()
  }

  async send (text: string): Promise<void> {
    if (this.contactId == null) return
    await this.conversations.send(this.contactId, text)
  }

  async deleteMessage (messageId: string): Promise<void> {
    if (this.contactId != null) await this.conversations.deleteMessage(this.contactId, messageId)
  }

  async clearHistory (): Promise<void> {
    if (this.contactId != null) await this.conversations.clearHistory(this.contactId)
  }

  /** "Retry" on a message that failed. */
  async retry (messageId: string): Promise<void> {
    await this.conversations.retry(messageId)
  }

  /** A conversation changed; `message` is the one that did, when that is all. */
  async changed (contactId: string, message: StoredMessage | undefined): Promise<void> {
    if (contactId !== this.contactId) return
    // One message added or moved on: patch the list (keeping every other object, so Svelte
    // re-renders one item) instead of reading and unsealing the conversation.
    this.messages = message != null ? upsertMessage(this.messages, message) : await this.conversations.messages(contactId)
    // New incoming messages (one, or a batch from a mailbox) on screen are read.
    if (message == null || (message.direction === 'in' && message.state === 'delivered')) this.markSeen()
  }

  /** The open conversation, on screen: its new messages are read. */
  markSeen (): void {
    if (this.contactId == null || document.visibilityState !== 'visible') return
    void this.conversations.markRead(this.contactId)
  }
}
