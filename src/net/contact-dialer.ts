import { multiaddr } from '@multiformats/multiaddr'
import type { Connection, Stream } from '@libp2p/interface'
import type { StoredContact } from '../core/ports/index.ts'
import type { Logger } from '../diagnostics/index.ts'
import { isDirect } from './connection-path.ts'
import { DM_PROTOCOL } from './dm-link.ts'
import type { LinkTable } from './link-table.ts'
import type { MurmurNode } from './node.ts'
import { findPresence } from './presence-records.ts'
import { sleep } from './sleep.ts'

const DIAL_TIMEOUT_MS = 20_000
const LOOKUP_TIMEOUT_MS = 10_000
const RETRY_MIN_MS = 1_000
const RETRY_MAX_MS = 10_000

export interface ContactDialerInit {
  node: MurmurNode
  links: LinkTable
  /** Starts the hello exchange on a stream we opened to the identity `expected`. */
  openLink: (stream: Stream, connection: Connection, expected: Uint8Array) => void
  /** The network's shutdown: every loop ends. */
  signal: AbortSignal
  log: Logger
}

/**
 * Keeps trying to reach each watched contact until a direct link to them is up: look up
 * their presence in the DHT, dial its addresses (signalling through the relay, then
 * WebRTC), back off from 1 s to 10 s, repeat. A contact whose last link closes is dialled
 * again.
 */
export class ContactDialer {
  private readonly watched = new Map<string, StoredContact>()
  private readonly dialing = new Set<string>()
  /** Aborted to cut every loop's backoff short; replaced after each use. */
  private wakeup = new AbortController()

  constructor (private readonly init: ContactDialerInit) {}

  watch (contact: StoredContact): void {
    this.watched.set(contact.userId, contact)
    void this.connectLoop(contact.userId)
  }

  /** Its loop ends at its next turn (it finds no contact), and a lost link is not dialled again. */
  unwatch (userId: string): void {
    this.watched.delete(userId)
  }

  /**
   * A relay reservation is back: lookups and dials can work again, so every contact still
   * unreached is tried now rather than after its backoff (up to 10 s).
   */
  retryNow (): void {
    this.wakeup.abort()
    this.wakeup = new AbortController()
  }

  /** The last link to this user closed. */
  linkLost (userId: string): void {
    if (this.watched.has(userId)) void this.connectLoop(userId)
  }

  private async connectLoop (userId: string): Promise<void> {
    if (this.dialing.has(userId)) return
    this.dialing.add(userId)
    const { links, signal } = this.init
    let delay = RETRY_MIN_MS
    try {
      while (!signal.aborted && links.newest(userId) == null) {
        const contact = this.watched.get(userId)
        if (contact == null) return
        const reached = await this.tryReach(contact).catch((err: unknown) => {
          this.init.log('looking up %s failed, trying again: %s', userId, err)
          return false
        })
        if (reached || links.newest(userId) != null) return
        links.setStatus(userId, 'offline')
        const woken = this.wakeup.signal
        await sleep(delay, AbortSignal.any([signal, woken]))
        delay = woken.aborted ? RETRY_MIN_MS : Math.min(RETRY_MAX_MS, delay * 2)
      }
    } finally {
      this.dialing.delete(userId)
    }
  }

  private async tryReach (contact: StoredContact): Promise<boolean> {
    const { node, links, signal } = this.init
    const presence = await findPresence(node, contact.publicKey, { signal: AbortSignal.any([signal, AbortSignal.timeout(LOOKUP_TIMEOUT_MS)]) })
    if (presence == null) return false
    const self = node.peerId.toString()
    for (const peer of presence.peers) {
      if (peer.peerId === self) continue
      for (const addr of peer.addrs) {
        if (links.newest(contact.userId) != null) return true
        links.setStatus(contact.userId, 'relay')
        try {
          const dialSignal = AbortSignal.any([signal, AbortSignal.timeout(DIAL_TIMEOUT_MS)])
          const connection = await node.dial(multiaddr(addr), { signal: dialSignal })
          if (!isDirect(connection)) continue
          const stream = await connection.newStream(DM_PROTOCOL, { signal: dialSignal })
          this.init.openLink(stream, connection, contact.publicKey)
          return true
        } catch (err) {
          // The next address; the loop backs off when none works.
          this.init.log('dialling %s at %s failed: %s', contact.userId, addr, err)
        }
      }
    }
    return false
  }
}
