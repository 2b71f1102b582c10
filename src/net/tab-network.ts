import { IDBDatastore } from 'datastore-idb'
import type { Connection, Stream } from '@libp2p/interface'
import type { TopicValidatorResult } from '@libp2p/gossipsub'
import { prekeyKey } from '../core/x3dh/prekey.ts'
import type { ConnectionStatus, Network, NetworkHost, StoredContact } from '../core/ports/index.ts'
import { ignoreEvents, silentLogger, type ComponentLogger, type EventSink, type Logger } from '../diagnostics/index.ts'
import { fetchAppConfig, type AppConfig } from './app-config.ts'
import { ContactDialer } from './contact-dialer.ts'
import { DM_PROTOCOL, openDmLink, type DmLink } from './dm-link.ts'
import { scoreGroupTopic } from './group-pubsub.ts'
import { requestSync, serveSync, SYNC_PROTOCOL } from './group-sync.ts'
import { createRtcConfigurationSource } from './ice-config.ts'
import { createLinkBinding } from './link-binding.ts'
import { keepLinkAlive, OVERDUE_CHECK_TIMEOUT_MS } from './link-keepalive.ts'
import { LinkTable } from './link-table.ts'
import { relayPeers } from './direct-put.ts'
import { getMailboxRecords, putMailboxRecord } from './mailbox-records.ts'
import { createMurmurNode, type MurmurNode } from './node.ts'
import { openTabDatastore } from './tab-datastore.ts'
import { storeLimitsForQuota } from './store-quota.ts'
import { fetchTurnServers, TurnCredentialsError } from './turn-credentials.ts'
import { PresencePublisher } from './presence-publisher.ts'
import { isNotFound } from './presence-records.ts'
import { keepRelaysConnected, reservationsFor } from './relay-keeper.ts'
import { onReconnectChance } from './reconnect-chance.ts'

const LOOKUP_TIMEOUT_MS = 10_000
const MAILBOX_TIMEOUT_MS = 20_000
const SYNC_TIMEOUT_MS = 20_000
const CONFIG_TIMEOUT_MS = 5_000
/** Sending on a link silent for this long pings it at once. */
const SEND_PROBE_AFTER_MS = 500
/** A member counts as reached by gossip only if their link proved alive this recently. */
const GOSSIP_FRESH_MS = 1_500
/** Waiting for a first reservation included (src/net/turn-credentials.ts). */
const TURN_TIMEOUT_MS = 15_000

export interface StartNetworkInit {
  config: AppConfig
  allowPrivateAddresses: boolean
  /** Per-profile database name for the DHT records this tab holds. */
  datastoreName: string
  /** Asks the serving relay for its configuration again (fresh TURN credentials, moved relays). */
  fetchConfig?: (signal: AbortSignal) => Promise<AppConfig>
  /** Hears `relay:reserved` and `link:direct`. */
  events?: EventSink
  logger?: ComponentLogger
}

/**
 * The libp2p half of the app, loaded after first paint: the node, its relay reservation,
 * presence publishing, and one direct link per contact.
 */
export async function startNetwork (host: NetworkHost, init: StartNetworkInit): Promise<Network> {
  const fetchConfig = init.fetchConfig ?? (async (signal: AbortSignal) => fetchAppConfig(undefined, signal))
  const logger = init.logger ?? silentLogger
  const log = logger.forComponent('murmur:net')
  const disk = new IDBDatastore(init.datastoreName)
  await disk.open()
  // A start that fails half way leaves nothing running or open behind it: the caller tries
  // again (src/app/retry-start.ts), and each try would otherwise hold another node and
  // another handle on the database.
  let node: MurmurNode | undefined
  try {
    // Nothing on disk names this profile (src/net/tab-datastore.ts).
    const datastore = await openTabDatastore(disk, host.identity.publicKey)
    // TURN credentials come over the node's relay connection: bound once the node exists.
    const turn = async (): Promise<RTCIceServer[]> => {
      if (node == null) throw new TurnCredentialsError('The network is still starting.')
      return fetchTurnServers(node, AbortSignal.timeout(TURN_TIMEOUT_MS))
    }
    node = await createMurmurNode({
      storeLimits: await storeLimitsForQuota(log),
      rtcConfiguration: createRtcConfigurationSource(init.config, async () => fetchConfig(AbortSignal.timeout(CONFIG_TIMEOUT_MS)), { log, turn }),
      datastore,
      allowPrivateAddresses: init.allowPrivateAddresses,
      reservations: reservationsFor(init.config.relays),
      dhtReplication: init.config.dhtReplication,
      dhtLog: logger.forComponent('murmur:dht')
    })
    return new TabNetwork(host, node, { config: init.config, fetchConfig, events: init.events ?? ignoreEvents, log })
  } catch (err) {
    // The node first: it may still write to the store while it stops.
    for (const cleanup of [async () => node?.stop(), async () => disk.close()]) {
      await cleanup().catch((cleanupErr: unknown) => { log('cleaning up after a failed start: %s', cleanupErr) })
    }
    throw err
  }
}

interface TabNetworkInit {
  config: AppConfig
  fetchConfig: (signal: AbortSignal) => Promise<AppConfig>
  events: EventSink
  log: Logger
}

class TabNetwork implements Network {
  private readonly shutdown = new AbortController()
  /** Links whose hello proved who is on the other side, by user id. */
  private readonly links: LinkTable
  private readonly dialer: ContactDialer
  private readonly presence: PresencePublisher
  private readonly log: Logger

  constructor (private readonly host: NetworkHost, private readonly node: MurmurNode, init: TabNetworkInit) {
    const signal = this.shutdown.signal
    this.log = init.log
    this.links = new LinkTable({ host, events: init.events, log: init.log, signal, onLinkDown: (userId) => { this.dialer.linkLost(userId) } })
    this.dialer = new ContactDialer({ node, links: this.links, signal, log: init.log, openLink: (stream, connection, expected) => { this.openLink(stream, connection, expected) } })
    this.presence = new PresencePublisher({ node, identity: host.identity, signal, log: init.log })
    void node.handle(DM_PROTOCOL, (stream, connection) => { this.openLink(stream, connection, undefined) })
    void node.handle(SYNC_PROTOCOL, (stream, connection) => {
      // Only a member whose link proved who they are gets an answer.
      const userId = this.links.userBehind(connection.remotePeer.toString())
      void serveSync(stream, async (request) => userId == null ? [] : host.onSyncRequest(userId, request), this.deadline(SYNC_TIMEOUT_MS))
    })
    node.services.pubsub.addEventListener('gossipsub:message', (event) => {
      const { msg, propagationSource } = event.detail
      host.onGroupMessage(msg.topic, msg.data, this.links.userBehind(propagationSource.toString()))
    })
    let reservedOnce = false
    let reservedNow = false
    keepRelaysConnected(node, {
      relays: init.config.relays,
      signal,
      // The serving relay's list now; the keeper keeps the others it knows after it.
      refreshRelays: async () => (await init.fetchConfig(AbortSignal.timeout(CONFIG_TIMEOUT_MS))).relays,
      wake: onReconnectChance,
      onStatus: (status, reservedRelays) => {
        host.onRelayStatus(status, reservedRelays)
        const regained = status === 'reserved' && !reservedNow
        reservedNow = status === 'reserved'
        // Contacts are looked up through the relay: a reservation regained ends their backoff.
        if (regained) this.dialer.retryNow()
        if (status === 'reserved') {
          // The first reservation of the tab's life: the benchmarks time page loads by it.
          if (!reservedOnce) init.events.emit('relay:reserved', {})
          reservedOnce = true
          void this.presence.publish()
        }
      }
    })
  }

  // Links

  watch (contact: StoredContact): void {
    this.dialer.watch(contact)
  }

  unwatch (userId: string): void {
    this.dialer.unwatch(userId)
  }

  checkLink (userId: string): void {
    this.links.newest(userId)?.check?.(OVERDUE_CHECK_TIMEOUT_MS)
  }

  status (userId: string): ConnectionStatus {
    return this.links.status(userId)
  }

  isLinked (userId: string): boolean {
    return this.links.newest(userId) != null
  }

  async send (userId: string, frame: Uint8Array): Promise<boolean> {
    const link = this.links.newest(userId)
    if (link == null) return false
    await link.send(frame)
    // A link that has carried nothing back lately may have lost its far end: check it now,
    // so that a dead one closes within seconds and what was sent goes to the mailbox.
    if (Date.now() - link.lastHeard > SEND_PROBE_AFTER_MS) link.check?.()
    return true
  }

  // Directory

  setPrekeyRecord (record: Uint8Array): void {
    this.presence.setPrekeyRecord(record)
  }

  async findPrekey (publicKey: Uint8Array): Promise<Uint8Array | undefined> {
    try {
      return await this.node.contentRouting.get(prekeyKey(publicKey), { signal: this.deadline(LOOKUP_TIMEOUT_MS) })
    } catch (err) {
      if (isNotFound(err)) return undefined
      throw err
    }
  }

  async putMailbox (key: Uint8Array, record: Uint8Array, onHeld?: (holders: number) => void): Promise<number> {
    return putMailboxRecord(this.node, key, record, { signal: this.deadline(MAILBOX_TIMEOUT_MS), onHeld, direct: relayPeers(this.node.getConnections()) })
  }

  async getMailbox (key: Uint8Array, onValue?: (value: Uint8Array) => void): Promise<Uint8Array[]> {
    return getMailboxRecords(this.node, key, { signal: this.deadline(MAILBOX_TIMEOUT_MS), onValue })
  }

  // Group transport

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
    // A peer whose link has not proved who it is counts as no member; nor does one whose link
    // carried nothing back lately (its far end may be gone): those get the outbox's copy,
    // which waits for a receipt and goes to their mailbox without one.
    return result.recipients.map((peer) => this.links.userBehind(peer.toString()))
      .filter((id): id is string => id != null && this.links.heardWithin(id, GOSSIP_FRESH_MS))
  }

  async sync (userId: string, request: Uint8Array): Promise<Uint8Array[]> {
    const link = this.links.newest(userId)
    if (link == null) throw new Error('no direct link to that member')
    return requestSync(link.connection, request, this.deadline(SYNC_TIMEOUT_MS))
  }

  async stop (): Promise<void> {
    this.shutdown.abort()
    await this.node.stop()
  }

  private deadline (ms: number): AbortSignal {
    return AbortSignal.any([this.shutdown.signal, AbortSignal.timeout(ms)])
  }

  /**
   * Runs the hello exchange on a `/murmur/dm/1.0.0` stream (src/net/link-binding.ts) and
   * keeps the link in the table for as long as it is bound and open. `expected`: the
   * identity we dialled; undefined for a stream someone opened to us.
   */
  private openLink (stream: Stream, connection: Connection, expected: Uint8Array | undefined): void {
    const remotePeerId = connection.remotePeer.toString()
    const binding = createLinkBinding({
      identity: this.host.identity,
      name: this.host.name,
      localPeerId: this.node.peerId.toString(),
      remotePeerId,
      expected
    })
    const sendHello = async (link: DmLink, hello: Uint8Array): Promise<void> => {
      // A link that fails now ends, and its close unbinds it.
      await link.send(hello).catch((err: unknown) => { this.log('hello to %s not sent: %s', remotePeerId, err) })
    }
    const link = openDmLink(stream, connection, {
      onFrame: (l, frame) => {
        const verdict = binding.receive(frame)
        switch (verdict.action) {
          case 'refuse':
            this.host.onRefusedFrame(verdict.reason)
            return
          case 'drop':
            this.log('dropped a frame from %s: %s', remotePeerId, verdict.reason)
            return
          case 'bind':
            if (verdict.reply != null) void sendHello(l, verdict.reply)
            keepLinkAlive(l, { log: this.log, signal: this.shutdown.signal })
            this.links.bind(verdict.userId, l)
            return
          case 'deliver':
            this.host.onEnvelope(verdict.envelope, { peerId: remotePeerId })
        }
      },
      onRefused: (_l, reason) => { this.host.onRefusedFrame(reason) }
    })
    if (binding.opening != null) void sendHello(link, binding.opening)
    void link.closed.then(() => {
      if (binding.boundTo != null) this.links.unbind(binding.boundTo, link)
    })
  }
}
