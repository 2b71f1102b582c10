import { toString } from 'uint8arrays'
import { decodeEnvelope } from '../../../src/core/envelope.ts'
import { selectMailboxRecord, validateMailboxRecord } from '../../../src/core/mailbox/record.ts'
import { claimedByAnother } from '../../../src/core/mailbox/claim.ts'
import { encodeUserId } from '../../../src/core/user-id.ts'
import type { ConnectionStatus, Network, NetworkHost, StoredContact } from '../../../src/core/ports/index.ts'

/**
 * One in-memory network for the app tests: a hub, and one `Network` per member (a tab) that
 * stands in for the libp2p half, src/net/tab-network.ts. What it keeps of that half:
 *
 * - Links: a frame sent on a link is decoded as the receiving tab decodes it (the envelope
 *   must be addressed to the receiver) and handed to its host's onEnvelope at once. The link
 *   carries the sender's identity without proof here: the signed hello that binds a link to
 *   an identity is unit-tested in test/unit/net/link-binding.test.ts and exercised in e2e.
 * - The DHT: prekey records by user id, and mailbox slots with one holder that keeps the
 *   newest valid version of each slot, as a DHT node does (it validates and selects with
 *   the same rules). An optional second, early holder answers lookups first (`onValue`)
 *   with a copy of the slots as they were, and lookups can be held open, to test
 *   first-holder-first reads. The main holder's version comes only with the whole
 *   lookup's answer, not through `onValue` as a remote holder's does in a real lookup.
 * - Gossip: every online member subscribed to a topic is a direct neighbour; each receiver
 *   runs its own topic validator before the message is delivered. Gossip can be held back
 *   and delivered later in a shuffled order (`hold`, `flush(seed)`), lost on the way to
 *   some members (`lost`), or skip members whose subscription nobody has heard yet
 *   (`unsubscribed`).
 * - Sync: a request goes to the other member's host over the link, as /murmur/sync/1.0.0 does.
 *
 * What it does not model: dialling (`watch` does nothing; links are up or down as a test
 * sets them, and the test tells a host `onLinkUp` itself), relays and reservations (tests
 * call onRelayStatus), presence records, connection paths other than direct, a gossip mesh
 * with forwarding and scores, DHT replication beyond the holders above, time (nothing here
 * waits: every call resolves within the same run of the microtask queue), and size limits.
 */
export class MemoryHub {
  private readonly members = new Map<string, MemoryNetwork>()
  /** Signed prekey records by user id, as the DHT holds them. */
  readonly prekeys = new Map<string, Uint8Array>()
  /** The mailbox holder: every slot's newest valid record, by the slot key in base64. */
  readonly mailboxes = new Map<string, Uint8Array>()
  /**
   * A second holder that answers every lookup first, with the versions it kept (a copy of
   * `mailboxes` taken earlier, say); undefined when there is none.
   */
  earlyHolder: Map<string, Uint8Array> | undefined
  private lookupsHeld: Promise<void> = Promise.resolve()

  /** Gossip held back while `hold` is set, to be delivered by `flush`. */
  readonly inFlight: Array<{ to: string, topic: string, data: Uint8Array, from: string }> = []
  hold = false
  /** How many gossip messages a receiver's validator rejected. */
  rejected = 0
  /** Members linked to everyone whose subscriptions nobody has heard yet: gossip skips them. */
  readonly unsubscribed = new Set<string>()
  /** Members gossip counts as reached but never arrives at (a lost frame). */
  readonly lost = new Set<string>()

  /**
   * Joins a tab to the network, online with its links up (pass `links: false` for a tab whose
   * links are not up yet). A tab joining with an identity already here replaces the one
   * before as the tab others reach (a reinstall); the old tab can still send.
   */
  join (host: NetworkHost, options: { links?: boolean } = {}): MemoryNetwork {
    const network = new MemoryNetwork(this, host, options.links ?? true)
    this.members.set(network.userId, network)
    return network
  }

  /** The tab that answers for `userId`. */
  get (userId: string): MemoryNetwork {
    const network = this.members.get(userId)
    if (network == null) throw new Error(`no member ${userId} on this network`)
    return network
  }

  /** Every tab that answers for a member, in the order they joined. */
  all (): MemoryNetwork[] {
    return [...this.members.values()]
  }

  /**
   * Holds every mailbox lookup open after the early holder has answered, until the returned
   * function is called: a slow holder the lookup waits for.
   */
  holdLookups (): () => void {
    let release = (): void => {}
    this.lookupsHeld = new Promise((resolve) => { release = resolve })
    return release
  }

  async lookupsReleased (): Promise<void> {
    await this.lookupsHeld
  }

  /** Delivers one gossip message as the receiver's gossip layer does: validate, then hand over. */
  async deliver (item: { to: string, topic: string, data: Uint8Array, from: string }): Promise<void> {
    const target = this.members.get(item.to)
    if (target == null || !target.online || !target.topics.has(item.topic)) return
    const verdict = await target.host.validateGroupMessage(item.topic, item.data)
    if (verdict === 'reject') this.rejected++
    if (verdict === 'accept') target.host.onGroupMessage(item.topic, item.data, item.from)
  }

  /** Delivers everything held, in an order shuffled by `seed`, until nothing is left. */
  async flush (seed: number): Promise<void> {
    let s = seed
    while (this.inFlight.length > 0) {
      s = (s * 1103515245 + 12345) % 2 ** 31
      const [item] = this.inFlight.splice(s % this.inFlight.length, 1)
      await this.deliver(item!)
    }
  }
}

/** One tab's network half on a MemoryHub. */
export class MemoryNetwork implements Network {
  readonly userId: string
  /** Whether this tab is connected at all: offline, it has no links, no DHT and no gossip, either way. */
  online = true
  /**
   * Whether this side's links carry frames (to every online member). False stands for links
   * not up yet, or for a side whose frames are lost (receipts that never arrive).
   */
  linksUp: boolean
  /** Whether the DHT answers this tab: false stands for a tab with no DHT peers yet. */
  dhtUp = true
  /** Every frame this tab sent on a link, as it went on the wire. */
  readonly frames: Uint8Array[] = []
  readonly topics = new Set<string>()

  constructor (private readonly hub: MemoryHub, readonly host: NetworkHost, linksUp: boolean) {
    this.userId = encodeUserId(host.identity.publicKey)
    this.linksUp = linksUp
  }

  // Links

  /** Who the app asked this tab to look for (dialling itself is not modelled). */
  readonly watching = new Set<string>()

  watch (contact: StoredContact): void { this.watching.add(contact.userId) }
  unwatch (userId: string): void { this.watching.delete(userId) }
  /** Links that were asked to check themselves (a receipt overdue on them). */
  readonly checked: string[] = []
  checkLink (userId: string): void { this.checked.push(userId) }

  isLinked (userId: string): boolean {
    if (!this.online || !this.linksUp || userId === this.userId) return false
    try {
      return this.hub.get(userId).online
    } catch {
      return false
    }
  }

  status (userId: string): ConnectionStatus {
    return this.isLinked(userId) ? 'direct' : 'offline'
  }

  async send (userId: string, frame: Uint8Array): Promise<boolean> {
    if (!this.isLinked(userId)) return false
    this.frames.push(frame)
    const peer = this.hub.get(userId).host
    const envelope = decodeEnvelope(frame, { self: peer.identity.publicKey })
    if (envelope.kind === 'sealed') peer.onEnvelope(envelope)
    return true
  }

  // Directory

  setPrekeyRecord (record: Uint8Array): void {
    this.hub.prekeys.set(this.userId, record)
  }

  async findPrekey (publicKey: Uint8Array): Promise<Uint8Array | undefined> {
    this.assertDht()
    return this.hub.prekeys.get(encodeUserId(publicKey))
  }

  async putMailbox (key: Uint8Array, record: Uint8Array, onHeld?: (holders: number) => void): Promise<number> {
    this.assertDht()
    validateMailboxRecord(key, record)
    const id = toString(key, 'base64')
    const held = this.hub.mailboxes.get(id)
    // The holder's rules (src/net/holder-datastore.ts): a first-contact slot keeps its first owner.
    if (held != null && claimedByAnother(key, record, held)) return 0
    if (held == null || selectMailboxRecord(key, [held, record]) === 1) this.hub.mailboxes.set(id, record)
    onHeld?.(1)
    return 1
  }

  async getMailbox (key: Uint8Array, onValue?: (value: Uint8Array) => void): Promise<Uint8Array[]> {
    this.assertDht()
    const id = toString(key, 'base64')
    const early = this.hub.earlyHolder?.get(id)
    if (early != null) onValue?.(early)
    await this.hub.lookupsReleased()
    const held = this.hub.mailboxes.get(id)
    return [early, held].filter((v): v is Uint8Array => v != null)
  }

  // Group transport

  joinTopic (topic: string): void {
    this.topics.add(topic)
  }

  leaveTopic (topic: string): void {
    this.topics.delete(topic)
  }

  async gossip (topic: string, data: Uint8Array): Promise<string[]> {
    const reached: string[] = []
    for (const member of this.hub.all()) {
      if (!this.isLinked(member.userId) || !member.topics.has(topic) || this.hub.unsubscribed.has(member.userId)) continue
      reached.push(member.userId)
      if (this.hub.lost.has(member.userId)) continue
      const item = { to: member.userId, topic, data, from: this.userId }
      if (this.hub.hold) this.hub.inFlight.push(item)
      else await this.hub.deliver(item)
    }
    return reached
  }

  async sync (userId: string, request: Uint8Array): Promise<Uint8Array[]> {
    if (!this.isLinked(userId)) throw new Error('no direct link to that member')
    return this.hub.get(userId).host.onSyncRequest(this.userId, request)
  }

  async stop (): Promise<void> {
    this.online = false
  }

  private assertDht (): void {
    if (!this.online || !this.dhtUp) throw new Error('no DHT peers')
  }
}
