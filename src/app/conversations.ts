import { ReasonedError } from '../core/errors.ts'
import { isValidMessageText, TEXT_MAX_CHARS } from '../core/text-rules.ts'
import { messageIdFromString, messageIdToString, newMessageId } from '../core/message-id.ts'
import type { ContactStore, HistoryStore, SettingStore, StoredMessage } from '../core/ports/index.ts'
import type { ComponentLogger, Logger } from '../diagnostics/index.ts'
import type { ChangeBus } from './change-bus.ts'
import type { Outbox } from './mailbox/outbox.ts'

const READ_RECEIPTS = 'read-receipts'

export type SendErrorReason = 'empty' | 'too-long' | 'broken-text' | 'no-contact' | 'key-changed'

/** A message refused before it was stored; the UI words it by `reason` (src/ui/i18n/errors.ts). */
export class SendError extends ReasonedError<SendErrorReason> {
  override name = 'SendError'
  /** 'key-changed': whose key changed. */
  readonly contactName: string | undefined
  constructor (reason: SendErrorReason, message: string, options: { contactName?: string } = {}) {
    super(reason, message)
    this.contactName = options.contactName
  }
}

export interface ConversationsComponents {
  store: HistoryStore & ContactStore & SettingStore
  outbox: Outbox
  bus: ChangeBus
  logger: ComponentLogger
}

/**
 * One-to-one conversations as a person uses them: the history, writing (stored before
 * anything is sent, so a closed tab loses nothing that was accepted), "Retry", and marking
 * what was seen as read.
 */
export class Conversations {
  private readonly log: Logger
  /** Strictly increasing send times for this tab: the reader sees messages in the order written. */
  private lastSentAt = 0

  constructor (private readonly components: ConversationsComponents) {
    this.log = components.logger.forComponent('murmur:conversations')
  }

  /** A conversation as shown: group control riding the session is not part of it. */
  async messages (contactId: string): Promise<StoredMessage[]> {
    return (await this.components.store.listMessages(contactId)).filter((m) => m.control == null)
  }

  /** Stores the message first (queued), then the outbox sends it or leaves it in a mailbox. */
  async send (contactId: string, text: string, now = Date.now()): Promise<StoredMessage> {
    const body = text.trim()
    if (body.length === 0) throw new SendError('empty', 'An empty message is not sent.')
    if (body.length > TEXT_MAX_CHARS) throw new SendError('too-long', `A message has at most ${TEXT_MAX_CHARS} characters.`)
    if (!isValidMessageText(body)) throw new SendError('broken-text', 'This message holds a broken character and cannot be sent.')
    const contact = await this.components.store.getContact(contactId)
    if (contact == null) throw new SendError('no-contact', 'No such contact.')
    if (contact.changedDhIdentityKey != null) {
      throw new SendError('key-changed', `${contact.name}'s security key changed. Compare safety numbers and accept the new key before writing.`, { contactName: contact.name })
    }
    const message: StoredMessage = { id: messageIdToString(newMessageId()), contactId, direction: 'out', text: body, sentAt: this.nextSentAt(now), state: 'pending' }
    await this.components.store.addMessage(message)
    this.components.bus.emit({ kind: 'messages', contactId, message })
    this.deliver(contactId)
    return message
  }

  /** Group control goes through the outbox like a message: stored first, acknowledged, retried; never shown. */
  async sendControl (userId: string, control: Uint8Array, now = Date.now()): Promise<void> {
    await this.components.store.addMessage({
      id: messageIdToString(newMessageId()), contactId: userId, direction: 'out', text: '', control, sentAt: this.nextSentAt(now), state: 'pending'
    })
    this.deliver(userId)
  }

  /** "Retry" on a failed message. */
  async retry (messageId: string): Promise<void> {
    await this.components.outbox.retry(messageId)
  }

  /** The person has seen a conversation: its messages are read, and the sender told so if they share that. */
  async markRead (contactId: string): Promise<void> {
    const unread = await this.components.store.unreadMessages(contactId)
    if (unread.length === 0) return
    for (const message of unread) {
      const updated = await this.components.store.advanceMessage(message.id, 'read')
      if (updated != null) this.components.bus.emit({ kind: 'messages', contactId, message: updated })
    }
    // A message request learns nothing of what we read (src/core/requests.ts).
    const contact = await this.components.store.getContact(contactId)
    if (contact?.request !== true && await this.readReceipts()) {
      void this.components.outbox.acknowledge(contactId, { read: unread.map((m) => messageIdFromString(m.id)) })
    }
  }

  /** Deletes one message here (nobody else is told). */
  async deleteMessage (contactId: string, messageId: string): Promise<void> {
    await this.components.store.deleteMessages([messageId])
    this.components.bus.emit({ kind: 'messages', contactId })
  }

  /** Deletes a conversation's shown history here; messages still waiting to go are kept. */
  async clearHistory (contactId: string): Promise<void> {
    const shown = await this.messages(contactId)
    await this.components.store.deleteMessages(shown.filter((m) => m.direction === 'in' || !['pending', 'sent', 'stored'].includes(m.state)).map((m) => m.id))
    this.components.bus.emit({ kind: 'messages', contactId })
  }

  async readReceipts (): Promise<boolean> {
    return await this.components.store.loadSetting<boolean>(READ_RECEIPTS) ?? true
  }

  async setReadReceipts (on: boolean): Promise<void> {
    await this.components.store.saveSetting(READ_RECEIPTS, on)
  }

  // Two messages written within one millisecond still get distinct times.
  private nextSentAt (now: number): number {
    this.lastSentAt = Math.max(now, this.lastSentAt + 1)
    return this.lastSentAt
  }

  private deliver (contactId: string): void {
    this.components.outbox.deliver(contactId).catch((err: unknown) => { this.log.error('delivery to %s failed', contactId, err) })
  }
}
