import { multiaddr } from '@multiformats/multiaddr'
import { IDBDatastore } from 'datastore-idb'
import type { Connection, Stream } from '@libp2p/interface'
import { decodeEnvelope, encodeEnvelope } from '../core/envelope.ts'
import { encodeUserId } from '../core/user-id.ts'
import { createMurmurNode, type MurmurNode } from './node.ts'
import { DM_PROTOCOL, openDmLink, type DmLink } from './dm-link.ts'
import { keepRelaysConnected, reservationsFor } from './relay-keeper.ts'
import { findPresence, isNotFound, publishPresence, PRESENCE_REFRESH_MS } from './presence-records.ts'
import { getMailboxRecords, putMailboxRecord } from './mailbox-records.ts'
import { prekeyKey } from '../core/x3dh/prekey.ts'
import { newMessageId } from '../core/message-id.ts'
import { fetchAppConfig, type AppConfig } from './app-config.ts'
import { createRtcConfigurationSource } from './ice-config.ts'
import { webRtcPathOf } from './connection-path.ts'
import { requestSync, serveSync, SYNC_PROTOCOL } from './group-sync.ts'
import { scoreGroupTopic } from './group-pubsub.ts'
import type { TopicValidatorResult } from '@libp2p/gossipsub'
import type { ConnectionStatus, Network, NetworkHost } from '../core/ports/index.ts'
import type { StoredContact } from '../core/ports/index.ts'

const DIAL_TIMEOUT_MS = 20_000
const LOOKUP_TIMEOUT_MS = 10_000
const MAILBOX_TIMEOUT_MS = 20_000
const SYNC_TIMEOUT_MS = 20_000
const RETRY_MIN_MS = 1_000
const RETRY_MAX_MS = 10_000
/** getStats answers in milliseconds; if it ever does not, the link is still up: say direct. */
const PATH_STATS_TIMEOUT_MS = 2_000

/** A direct connection is one that no relay limits: WebRTC, not a circuit. */
export function isDirect (connection: Connection): boolean {
  return connection.limits == null && connection.remoteAddr.toString().includes('/webrtc')
}

export interface StartNetworkInit {
  config: AppConfig
  allowPrivateAddresses: boolean
  /** Per-profile database name for the DHT records this tab holds. */
  datastoreName: string
}

/**
 * The libp2p half of the app, loaded after first paint: the node, its relay reservation,
 * presence publishing, and one direct link per contact.
 */
export async function startNetwork (host: NetworkHost, init: StartNetworkInit): Promise<Network> {
  const datastore = new IDBDatastore(init.datastoreName)
  await datastore.open()
  const node = await createMurmurNode({
    rtcConfiguration: createRtcConfigurationSource(init.config, async () => fetchAppConfig(undefined, AbortSignal.timeout(5_000))),
    datastore,
    allowPrivateAddresses: init.allowPrivateAddresses,
    reservations: reservationsFor(init.config.relays),
    dhtReplication: init.config.dhtReplication
  })
  return new TabNetwork(host, node, init.config)
}

class TabNetwork implements Network {
  private readonly shutdown = new AbortController()
  /** Links whose hello proved who is on the other side, by user id. */
  private readonly links = new Map<string, Set<DmLink>>()
  private readonly watched = new Map<string, StoredContact>()
  private readonly dialing = new Set<string>()
  private readonly statuses = new Map<string, ConnectionStatus>()
  private presenceSeq = Date.now()
  private publishedAddrs = ''
  private refreshTimer: ReturnType<typeof setInterval> | undefined
  private prekeyRecord: Uint8Array | undefined

  constructor (private readonly host: NetworkHost, private readonly node: MurmurNode, config: AppConfig) {
    void node.handle(DM_PROTOCOL, (stream, connection) => { this.accept(stream, connection) })
    void node.handle(SYNC_PROTOCOL, (stream, connection) => {
      // Only a member whose link proved who they are gets an answer.
      const userId = this.userBehind(connection.remotePeer.toString())
      void serveSync(stream, async (request) => userId == null ? [] : host.onSyncRequest(userId, request), this.deadline(SYNC_TIMEOUT_MS))
    })
    node.services.pubsub.addEventListener('gossipsub:message', (event) => {
      const { msg, propagationSource } = event.detail
      host.onGroupMessage(msg.topic, msg.data, this.userBehind(propagationSource.toString()))
    })
    keepRelaysConnected(node, {
      relays: config.relays,
      signal: this.shutdown.signal,
      // The serving relay's list now; the keeper keeps the others it knows after it.
      refreshRelays: async () => (await fetchAppConfig(undefined, AbortSignal.timeout(5_000))).relays,
      onStatus: (status, reservedRelays) => {
        host.onRelayStatus(status, reservedRelays)
        if (status === 'reserved') {
          if (performance.getEntriesByName('murmur:relay-reserved').length === 0) performance.mark('murmur:relay-reserved')
          void this.publish()
        }
      }
    })
    this.refreshTimer = setInterval(() => { void this.publish(true) }, PRESENCE_REFRESH_MS)
  }

  watch (contact: StoredContact): void {
    this.watched.set(contact.userId, contact)
    void this.connectLoop(contact.userId)
  }

  status (userId: string): ConnectionStatus {
    return this.statuses.get(userId) ?? 'offline'
  }

  isLinked (userId: string): boolean {
    return this.newestLink(userId) != null
  }

  setPrekeyRecord (record: Uint8Array): void {
    this.prekeyRecord = record
    void this.publish(true)
  }

  async findPrekey (publicKey: Uint8Array): Promise<Uint8Array | undefined> {
    try {
      return await this.node.contentRouting.get(prekeyKey(publicKey), { signal: AbortSignal.any([this.shutdown.signal, AbortSignal.timeout(LOOKUP_TIMEOUT_MS)]) })
    } catch (err) {
      if (isNotFound(err)) return undefined
      throw err
    }
  }

  async putMailbox (key: Uint8Array, record: Uint8Array): Promise<number> {
    return putMailboxRecord(this.node, key, record, { signal: this.deadline(MAILBOX_TIMEOUT_MS) })
  }

  async getMailbox (key: Uint8Array, onValue?: (value: Uint8Array) => void): Promise<Uint8Array[]> {
    return getMailboxRecords(this.node, key, { signal: this.deadline(MAILBOX_TIMEOUT_MS), onValue })
  }

  private deadline (ms: number): AbortSignal {
    return AbortSignal.any([this.shutdown.signal, AbortSignal.timeout(ms)])
  }

  joinTopic (topic: string): void {
    const pubsub = this.node.services.pubsub
    if (pubsub.topicValidators.has(topic)) return
    scoreGroupTopic(pubsub, topic)
    pubsub.topicValidators.set(topic, async (_peer, message) => this.host.validateGroupMessage(topic, message.data) as Promise<TopicValidatorResult>)
    pubsub.subscribe(topic)
  }

  leaveTopic (topic: string): void {
    const pubsub = this.node.services.pubsub
    pubsub.topicValidators.delete(topic)
    pubsub.unsubscribe(topic)
  }

  async gossip (topic: string, data: Uint8Array): Promise<string[]> {
    const result = await this.node.services.pubsub.publish(topic, data)
    // A peer whose link has not proved who it is counts as no member.
    return result.recipients.map((peer) => this.userBehind(peer.toString())).filter((id) => id != null)
  }

  async sync (userId: string, request: Uint8Array): Promise<Uint8Array[]> {
    const link = this.newestLink(userId)
    if (link == null) throw new Error('no direct link to that member')
    return requestSync(link.connection, request, this.deadline(SYNC_TIMEOUT_MS))
  }

  /** The user whose link runs over a connection to this peer, if any. */
  private userBehind (peerId: string): string | undefined {
    for (const [userId, set] of this.links) {
      for (const link of set) if (link.connection.remotePeer.toString() === peerId) return userId
    }
    return undefined
  }

  async send (userId: string, frame: Uint8Array): Promise<boolean> {
    const link = this.newestLink(userId)
    if (link == null) return false
    await link.send(frame)
    return true
  }

  async stop (): Promise<void> {
    this.shutdown.abort()
    clearInterval(this.refreshTimer)
    await this.node.stop()
  }

  private newestLink (userId: string): DmLink | undefined {
    const set = this.links.get(userId)
    return set == null ? undefined : [...set].at(-1)
  }

  private setStatus (userId: string, status: ConnectionStatus): void {
    if (this.statuses.get(userId) === status) return
    this.statuses.set(userId, status)
    // Marks for the benchmark (npm run bench) and for anyone profiling the app.
    if (status === 'direct') performance.mark('murmur:direct', { detail: userId })
    this.host.onStatus(userId, status)
  }

  /** Publishes presence when the reachable addresses changed (or on the periodic refresh). */
  private async publish (force = false): Promise<void> {
    const addrs = this.node.getMultiaddrs().map(String).sort().join(' ')
    if (!force && addrs === this.publishedAddrs) return
    this.publishedAddrs = addrs
    this.presenceSeq = Math.max(this.presenceSeq + 1, Date.now())
    try {
      await publishPresence(this.node, this.host.identity, this.presenceSeq, { signal: this.shutdown.signal })
      if (this.prekeyRecord != null) {
        await this.node.contentRouting.put(prekeyKey(this.host.identity.publicKey), this.prekeyRecord, { signal: this.shutdown.signal })
      }
    } catch {
      // The DHT may have no peers yet: the next address change or refresh tries again.
      this.publishedAddrs = ''
    }
  }

  /** Until a direct link to the contact is up: look up its presence, dial, back off, repeat. */
  private async connectLoop (userId: string): Promise<void> {
    if (this.dialing.has(userId)) return
    this.dialing.add(userId)
    let delay = RETRY_MIN_MS
    try {
      while (!this.shutdown.signal.aborted && this.newestLink(userId) == null) {
        const contact = this.watched.get(userId)
        if (contact == null) return
        const reached = await this.tryReach(contact).catch(() => false)
        if (reached || this.newestLink(userId) != null) return
        this.setStatus(userId, 'offline')
        await sleep(delay, this.shutdown.signal)
        delay = Math.min(RETRY_MAX_MS, delay * 2)
      }
    } finally {
      this.dialing.delete(userId)
    }
  }

  private async tryReach (contact: StoredContact): Promise<boolean> {
    const signal = AbortSignal.any([this.shutdown.signal, AbortSignal.timeout(LOOKUP_TIMEOUT_MS)])
    const presence = await findPresence(this.node, contact.publicKey, { signal })
    if (presence == null) return false
    const self = this.node.peerId.toString()
    for (const peer of presence.peers) {
      if (peer.peerId === self) continue
      for (const addr of peer.addrs) {
        if (this.newestLink(contact.userId) != null) return true
        this.setStatus(contact.userId, 'relay')
        try {
          const dialSignal = AbortSignal.any([this.shutdown.signal, AbortSignal.timeout(DIAL_TIMEOUT_MS)])
          const connection = await this.node.dial(multiaddr(addr), { signal: dialSignal })
          if (!isDirect(connection)) continue
          const stream = await connection.newStream(DM_PROTOCOL, { signal: dialSignal })
          this.openLink(stream, connection, contact.publicKey)
          return true
        } catch {
          // Try the next address; the loop backs off when none works.
        }
      }
    }
    return false
  }

  private accept (stream: Stream, connection: Connection): void {
    this.openLink(stream, connection, undefined)
  }

  /**
   * Both ends start with a signed hello that names the other end and the sender's PeerId,
   * so a link is bound to an identity only when that identity really sits behind the
   * connection. Frames before a valid hello, or from anyone else, are dropped.
   */
  private openLink (stream: Stream, connection: Connection, expected: Uint8Array | undefined): void {
    const self = this.host.identity.publicKey
    let boundTo: string | undefined
    const link = openDmLink(stream, connection, {
      onFrame: (l, frame) => {
        let envelope
        try {
          envelope = decodeEnvelope(frame, { self })
        } catch (err: any) {
          this.host.onRefusedFrame(err?.name ?? 'malformed')
          return
        }
        const from = encodeUserId(envelope.from)
        if (envelope.kind === 'hello') {
          if (boundTo != null || envelope.peerId !== connection.remotePeer.toString()) return
          if (expected != null && encodeUserId(expected) !== from) return
          boundTo = from
          if (expected == null) void sendHello(envelope.from)
          this.bind(from, l)
          return
        }
        if (boundTo !== from || envelope.kind !== 'sealed') return
        this.host.onEnvelope(envelope)
      },
      onRefused: (_l, reason) => { this.host.onRefusedFrame(reason) }
    })
    const sendHello = async (to: Uint8Array): Promise<void> => {
      const hello = encodeEnvelope(this.host.identity, {
        kind: 'hello',
        to,
        id: newMessageId(),
        sentAt: Date.now(),
        name: this.host.name,
        peerId: this.node.peerId.toString()
      })
      await link.send(hello).catch(() => {})
    }
    if (expected != null) void sendHello(expected)
    void link.closed.then(() => {
      if (boundTo != null) this.unbind(boundTo, link)
    })
  }

  private bind (userId: string, link: DmLink): void {
    let set = this.links.get(userId)
    if (set == null) { set = new Set(); this.links.set(userId, set) }
    set.add(link)
    this.host.onLinkUp(userId)
    void this.reportPath(userId)
  }

  /**
   * `direct` or `turn`, from the ICE candidate pair of the newest link's WebRTC connection.
   * Links come and go while getStats runs (both sides dial at once, one connection is
   * pruned): whichever link is newest when the answer comes is the one reported.
   */
  private async reportPath (userId: string): Promise<void> {
    const link = this.newestLink(userId)
    if (link == null) return
    const path = await Promise.race([
      webRtcPathOf(link.connection).catch(() => undefined),
      sleep(PATH_STATS_TIMEOUT_MS, this.shutdown.signal).then(() => undefined)
    ])
    const newest = this.newestLink(userId)
    if (newest == null) return
    if (newest !== link) { void this.reportPath(userId); return }
    this.setStatus(userId, path === 'turn' ? 'turn' : 'direct')
  }

  private unbind (userId: string, link: DmLink): void {
    const set = this.links.get(userId)
    set?.delete(link)
    if (set == null || set.size === 0) {
      this.links.delete(userId)
      this.setStatus(userId, 'offline')
      if (this.watched.has(userId)) void this.connectLoop(userId)
    } else {
      void this.reportPath(userId)
    }
  }
}

async function sleep (ms: number, signal: AbortSignal): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => { clearTimeout(timer); resolve() }, { once: true })
  })
}
