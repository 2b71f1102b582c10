import { encodeUserId } from '../core/user-id.ts'
import { decodeChatPayload, type ChatPayload } from '../core/chat-payload.ts'
import { messageIdToString } from '../core/message-id.ts'
import { sentAtOnArrival } from '../core/sent-time.ts'
import { contactAfterPayload, contactWithPushNote } from '../core/key-pinning.ts'
import { isContact } from '../core/requests.ts'
import type { ContactStore, SealedEnvelope, StoredMessage } from '../core/ports/index.ts'
import type { ComponentLogger, EventSink, Logger } from '../diagnostics/index.ts'
import type { ChangeBus } from './change-bus.ts'
import type { Connectivity } from './connectivity.ts'
import type { Outbox } from './mailbox/outbox.ts'
import type { PayloadOrigin, SessionCrypto } from './session-crypto.ts'
import type { PushSharing } from './push/push-sharing.ts'
import type { Requests } from './requests.ts'

/** What a blocked person sent: dropped on arrival, before it is opened. */
export class BlockedError extends Error {
  override name = 'BlockedError'
  constructor () { super('A message from someone you blocked was dropped.') }
}

export interface InboxComponents {
  store: ContactStore
  crypto: SessionCrypto
  outbox: Outbox
  pushSharing: PushSharing
  requests: Requests
  connectivity: Connectivity
  bus: ChangeBus
  /** Group control that rode the session (src/app/groups/). Throws on refusal. */
  groupControl: (from: string, control: Uint8Array) => Promise<void>
  events: EventSink
  logger: ComponentLogger
}

export type ReceiveResult = { ok: true } | { ok: false, error: unknown }

/**
 * The receive pipeline for one-to-one sessions: payloads from a link or a mailbox slot are
 * decrypted in order and committed with the messages they carry in ONE transaction, and
 * only then shown and acknowledged. The contact record follows the key-pinning rules
 * (src/core/key-pinning.ts); receipts, push notes and group control are handed on.
 */
export class Inbox {
  private readonly log: Logger

  constructor (private readonly components: InboxComponents) {
    this.log = components.logger.forComponent('murmur:inbox')
  }

  /** An envelope from a link bound to its sender's identity, over a connection to `via.peerId`. */
  onEnvelope (envelope: SealedEnvelope, via?: PayloadOrigin): void {
    void this.receiveAll(envelope.from, [envelope.payload], Date.now(), via)
      .then(([result]) => { if (result?.ok === false) this.log('refused a frame from %s', encodeUserId(envelope.from), result.error) })
      .catch((err: unknown) => { this.log.error('could not store a frame from %s', encodeUserId(envelope.from), err) })
  }

  /**
   * Decrypts payloads from one sender in order (a link's frame, or a mailbox slot's entries)
   * and commits every ratchet step with the messages they carried in ONE transaction; only
   * then are they shown and acknowledged. Per payload: opened, or why not. Throws, having
   * stored and shown nothing, when the commit fails.
   */
  async receiveAll (from: Uint8Array, payloads: Uint8Array[], now = Date.now(), via?: PayloadOrigin): Promise<ReceiveResult[]> {
    const { crypto, store, bus } = this.components
    const contactId = encodeUserId(from)
    // Blocked: not opened, not stored, not acknowledged, not shown.
    if (await this.components.requests.isBlocked(contactId)) return payloads.map(() => ({ ok: false, error: new BlockedError() }))
    const { results, known, contact, added, replies } = await crypto.openAll(contactId, from, payloads, async (batch) => {
      const known = await store.getContact(contactId)
      let contact = known
      const messages: StoredMessage[] = []
      const replies: ChatPayload[] = []
      for (const opened of batch.results) {
        if (!opened.ok) continue
        let payload: ChatPayload | undefined
        try {
          payload = decodeChatPayload(opened.plaintext)
        } catch {
          // Authentic but unreadable (a newer version?): the ratchet step still counts.
        }
        contact = contactAfterPayload(contact, { userId: contactId, publicKey: from, dhKey: opened.theirDhIdentityKey }, payload, now)
        if (payload?.kind === 'push' && contact != null) contact = contactWithPushNote(contact, payload, opened.theirDhIdentityKey)
        if (payload == null) continue
        replies.push(payload)
        if (payload.kind === 'message') {
          // The claimed time is kept only when it is plausible (src/core/sent-time.ts).
          messages.push({ id: messageIdToString(payload.id), contactId, direction: 'in', text: payload.text, sentAt: sentAtOnArrival(payload.sentAt, now), state: 'delivered' })
        }
      }
      const added = await batch.commit({ contact: contact !== known ? contact : undefined, messages })
      return { results: batch.results, known, contact, added, replies }
    }, via)
    if (contact !== known) {
      bus.emit({ kind: 'contacts' })
      // A message request is not looked for on the network until the person accepts it.
      if (!isContact(known) && isContact(contact)) this.components.connectivity.current()?.watch(contact)
    }
    // Anyone can write to us: requests and their messages are bounded, the oldest dropped.
    if (contact?.request === true && added.length > 0) await this.components.requests.bound(contactId, known == null)
    // Their push token is now ours to poke.
    if (contact?.push !== known?.push) this.components.events.emit('push:note-stored', { contactId })
    // They now know us both ways: hand them our push token, if we have one.
    if (isContact(contact) && contact.knowsUs === true && known?.knowsUs !== true) {
      this.components.pushSharing.shareWith(contactId).catch((err: unknown) => { this.log.error('sharing the push token with %s failed', contactId, err) })
    }
    // One change for a batch: the UI reads the conversation once, not once per message.
    if (added.length === 1) bus.emit({ kind: 'messages', contactId, message: added[0] })
    else if (added.length > 1) bus.emit({ kind: 'messages', contactId })
    await this.handOn(contactId, replies)
    return results.map((r) => r.ok ? { ok: true } : { ok: false, error: r.error })
  }

  /** What the committed payloads ask of other services: receipts, group control, our own receipt. */
  private async handOn (contactId: string, replies: ChatPayload[]): Promise<void> {
    const { outbox } = this.components
    const delivered = replies.flatMap((r) => r.kind === 'receipts' ? r.delivered : [])
    const read = replies.flatMap((r) => r.kind === 'receipts' ? r.read : [])
    if (delivered.length > 0 || read.length > 0) await outbox.receiptsArrived(contactId, delivered, read)
    for (const reply of replies) {
      // Applied after the session step is stored; a crash in between loses nothing, as the
      // sender resends until our receipt, and applying twice changes nothing.
      if (reply.kind === 'group') {
        await this.components.groupControl(contactId, reply.control).catch((err: unknown) => { this.log('group control from %s refused', contactId, err) })
      }
    }
    // Stored (or already had them): acknowledge, so the sender stops retrying.
    const acknowledged = replies.flatMap((r) => r.kind === 'message' || r.kind === 'group' ? [r.id] : [])
    if (acknowledged.length > 0) void outbox.acknowledge(contactId, { delivered: acknowledged })
  }
}
