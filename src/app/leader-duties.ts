import type { ContactStore } from '../core/ports/index.ts'
import type { ComponentLogger, EventSink, Logger } from '../diagnostics/index.ts'
import type { Connectivity } from './connectivity.ts'
import { leadWhenElected } from './leader.ts'
import type { MailboxReader, DrainReport } from './mailbox/mailbox-reader.ts'
import type { Outbox } from './mailbox/outbox.ts'
import type { PushSharing } from './push/push-sharing.ts'

/** How often the leader tab reads the mailboxes and looks after the records it wrote. */
export const MAILBOX_POLL_MS = 30_000
/** After a drain that could not read every slot (a lookup failed), try again this soon. */
export const DRAIN_RETRY_MS = [2_000, 5_000, 10_000]

export interface LeaderDutiesComponents {
  store: ContactStore
  reader: MailboxReader
  outbox: Outbox
  pushSharing: PushSharing
  connectivity: Connectivity
  events: EventSink
  logger: ComponentLogger
}

export interface LeaderDutiesInit {
  /** Ends the candidacy and every timer. */
  signal: AbortSignal
}

/**
 * The profile's single jobs, done by the one tab that holds the `murmur:leader` Web Lock
 * (src/app/leader.ts): read the mailboxes on start, every MAILBOX_POLL_MS and when a push
 * says mail arrived; keep the records we wrote alive; fail what is past its retention. And,
 * in every tab, what waited goes out as soon as a relay connection is back.
 */
export class LeaderDuties {
  private readonly log: Logger
  private leading = false
  /** A push came while this leader tab was between relays: read the mailboxes when one is back. */
  private pushWaiting = false
  private pollTimer: ReturnType<typeof setInterval> | undefined

  constructor (private readonly components: LeaderDutiesComponents, private readonly init: LeaderDutiesInit) {
    this.log = components.logger.forComponent('murmur:leader')
    init.signal.addEventListener('abort', () => { clearInterval(this.pollTimer) }, { once: true })
  }

  /** Stands for leader; once elected, reads the mailboxes now (if a relay is up) and on every poll. */
  stand (): void {
    leadWhenElected(() => {
      this.leading = true
      this.log('this tab leads the profile')
      this.pollTimer = setInterval(() => { void this.duty() }, MAILBOX_POLL_MS)
      if (this.components.connectivity.relayStatus !== 'offline') void this.duty()
    }, this.init.signal, (err) => { this.log.error('standing for leader failed', err) })
  }

  /**
   * A relay connection came back (or came for the first time): whatever waited goes out (to
   * a mailbox when the contact is away), and the leader looks for what arrived meanwhile. A
   * relay connection is enough for both (we dial out, and DHT lookups wait for the relay to
   * be in the routing table); the reservation, which only makes us reachable, comes later.
   */
  relayBack (): void {
    void this.catchUp()
    if (this.pushWaiting) void this.drainForPush()
  }

  /** Reads the mailboxes now (the leader tab also does it on start and every poll). */
  async drainMailboxes (): Promise<DrainReport> {
    return this.components.reader.drain()
  }

  /**
   * The service worker says a push arrived while this tab is open: someone left mail. The
   * leader tab reads the mailboxes now instead of at the next poll; a tab not yet connected
   * to a relay reads them as soon as it is (relayBack).
   */
  async pushReceived (): Promise<DrainReport | undefined> {
    this.components.events.emit('push:received', { leading: this.leading, relay: this.components.connectivity.relayStatus })
    // Another tab leads: the service worker told it too, and it reads.
    if (!this.leading) return undefined
    if (this.components.connectivity.relayStatus === 'offline') {
      this.pushWaiting = true
      return undefined
    }
    return this.drainForPush()
  }

  private async drainForPush (): Promise<DrainReport | undefined> {
    this.pushWaiting = false
    const report = await this.components.reader.drain().catch((err: unknown) => { this.log.error('the drain a push started failed', err); return undefined })
    this.components.events.emit('push:drained', report)
    return report
  }

  private async catchUp (): Promise<void> {
    const { store, outbox, pushSharing } = this.components
    for (const contact of await store.listContacts()) {
      await outbox.deliver(contact.userId).catch((err: unknown) => { this.log.error('delivery to %s failed', contact.userId, err) })
    }
    pushSharing.shareWithAll().catch((err: unknown) => { this.log.error('sharing the push token failed', err) })
    if (this.leading) await this.duty()
  }

  /** The leader tab's periodic work: read the mailboxes, keep our records alive, fail the hopeless. */
  private async duty (): Promise<void> {
    const drain = async (): Promise<DrainReport | undefined> =>
      this.components.reader.drain().catch((err: unknown) => { this.log.error('reading the mailboxes failed', err); return undefined })
    let report = await drain()
    // A young node's routing table is thin and a lookup may fail: retry a few times soon,
    // rather than leave mail waiting until the next poll.
    for (const wait of DRAIN_RETRY_MS) {
      if (report?.complete !== false || this.init.signal.aborted) break
      await new Promise((resolve) => setTimeout(resolve, wait))
      report = await drain()
    }
    await this.components.outbox.tick().catch((err: unknown) => { this.log.error('the outbox duty failed', err) })
  }
}
