import type { Identity } from '../core/identity.ts'
import { prekeyKey } from '../core/x3dh/prekey.ts'
import type { Logger } from '../diagnostics/index.ts'
import type { MurmurNode } from './node.ts'
import { publishPresence, PRESENCE_REFRESH_MS } from './presence-records.ts'

export interface PresencePublisherInit {
  node: MurmurNode
  identity: Identity
  /** The network's shutdown: the refresh stops, a PUT under way is aborted. */
  signal: AbortSignal
  log: Logger
}

/**
 * Keeps this profile's presence record (and its signed prekey record beside it) in the DHT:
 * published when the reachable addresses change and refreshed every PRESENCE_REFRESH_MS,
 * each time with a higher sequence number.
 */
export class PresencePublisher {
  private seq = Date.now()
  private publishedAddrs = ''
  private prekeyRecord: Uint8Array | undefined

  constructor (private readonly init: PresencePublisherInit) {
    const timer = setInterval(() => { void this.publish(true) }, PRESENCE_REFRESH_MS)
    init.signal.addEventListener('abort', () => { clearInterval(timer) }, { once: true })
  }

  /** Our current signed prekey record: published now and with every presence after. */
  setPrekeyRecord (record: Uint8Array): void {
    this.prekeyRecord = record
    void this.publish(true)
  }

  /** Publishes when the reachable addresses changed, or always with `force` (the refresh). */
  async publish (force = false): Promise<void> {
    const { node, identity, signal } = this.init
    const addrs = node.getMultiaddrs().map(String).sort().join(' ')
    if (!force && addrs === this.publishedAddrs) return
    this.publishedAddrs = addrs
    this.seq = Math.max(this.seq + 1, Date.now())
    try {
      await publishPresence(node, identity, this.seq, { signal })
      if (this.prekeyRecord != null) {
        await node.contentRouting.put(prekeyKey(identity.publicKey), this.prekeyRecord, { signal })
      }
    } catch (err) {
      // The DHT may have no peers yet: the next address change or refresh tries again.
      this.publishedAddrs = ''
      this.init.log('publishing presence failed, trying again on the next change or refresh: %s', err)
    }
  }
}
