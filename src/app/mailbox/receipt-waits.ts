import { observeRtt, receiptTimeout, type RttEstimate } from '../../core/rtt-estimator.ts'

export interface ReceiptWaitsInit {
  /** Messages to this contact went out on its link and no receipt came in time. */
  overdue: (contactId: string) => void
  now?: () => number
}

interface OnLink {
  contactId: string
  at: number
  /** Sent more than once: its receipt gives no round trip sample (Karn's rule). */
  resent: boolean
}

/**
 * The receipts a tab waits for on direct links. Each message sent on a link is timed; its
 * receipt gives a round trip sample to the contact's estimate (src/core/rtt-estimator.ts),
 * and a message whose receipt is later than the estimate's timeout (1 to 4 s) is overdue:
 * the outbox writes it to the mailbox too. A link whose far end vanished keeps taking
 * bytes for a while; this is what keeps a message from waiting on it.
 *
 * A link that let a message go overdue is suspect until a receipt comes back on it (or a new
 * link comes up): the link is one ordered stream, so nothing sent after the overdue message
 * has been confirmed either, and the outbox writes every unacknowledged message and every
 * new one to the mailbox at once rather than timing each out in turn.
 */
export class ReceiptWaits {
  private readonly onLink = new Map<string, OnLink>()
  private readonly estimates = new Map<string, RttEstimate>()
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>()
  private readonly suspect = new Set<string>()
  private readonly now: () => number

  constructor (private readonly init: ReceiptWaitsInit) {
    this.now = init.now ?? Date.now
  }

  /** How long a message to this contact may wait for its receipt now. */
  timeout (contactId: string): number {
    return receiptTimeout(this.estimates.get(contactId))
  }

  /** A message went out on the contact's link just now. */
  sent (contactId: string, messageId: string): void {
    this.onLink.set(messageId, { contactId, at: this.now(), resent: this.onLink.has(messageId) })
    this.schedule(contactId)
  }

  /** Whether the contact's link let a message go overdue and brought no receipt since: not trusted to deliver. */
  isSuspect (contactId: string): boolean {
    return this.suspect.has(contactId)
  }

  /** A new link to the contact is up: it starts trusted. */
  linkUp (contactId: string): void {
    this.suspect.delete(contactId)
  }

  /** Its receipt came: a round trip sample, unless it went out twice. */
  received (messageId: string): void {
    const waiting = this.onLink.get(messageId)
    if (waiting == null) return
    this.onLink.delete(messageId)
    this.suspect.delete(waiting.contactId)
    if (!waiting.resent) {
      const estimate = observeRtt(this.estimates.get(waiting.contactId), this.now() - waiting.at)
      if (estimate != null) this.estimates.set(waiting.contactId, estimate)
    }
    this.schedule(waiting.contactId)
  }

  /**
   * Whether a message sent on a link is past its wait. One this tab has no time for (sent
   * by another tab, or before a reload) is: nothing says a receipt is on its way.
   */
  isOverdue (messageId: string): boolean {
    const waiting = this.onLink.get(messageId)
    return waiting == null || this.now() - waiting.at >= this.timeout(waiting.contactId)
  }

  /**
   * The contact's overdue messages (every one, with `all`) went to the mailbox or need not:
   * no more timing them; the next wake is for the earliest still waiting.
   */
  settle (contactId: string, all = false): void {
    for (const [messageId, waiting] of this.onLink) {
      if (waiting.contactId === contactId && (all || this.isOverdue(messageId))) this.onLink.delete(messageId)
    }
    this.schedule(contactId)
  }

  /** Wakes the outbox when the contact's earliest message on the link is due. */
  private schedule (contactId: string): void {
    clearTimeout(this.timers.get(contactId))
    this.timers.delete(contactId)
    let earliest = Infinity
    for (const waiting of this.onLink.values()) if (waiting.contactId === contactId) earliest = Math.min(earliest, waiting.at)
    if (earliest === Infinity) return
    const delay = Math.max(0, earliest + this.timeout(contactId) - this.now())
    this.timers.set(contactId, setTimeout(() => {
      this.timers.delete(contactId)
      this.suspect.add(contactId)
      this.init.overdue(contactId)
    }, delay))
  }
}
