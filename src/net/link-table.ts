import type { Logger } from '../diagnostics/index.ts'
import type { EventSink } from '../diagnostics/index.ts'
import type { ConnectionStatus, LinkEvents } from '../core/ports/index.ts'
import { webRtcPathOf } from './connection-path.ts'
import type { DmLink } from './dm-link.ts'
import { sleep } from './sleep.ts'

/** getStats answers in milliseconds; if it ever does not, the link is still up: say direct. */
const PATH_STATS_TIMEOUT_MS = 2_000

export interface LinkTableInit {
  host: Pick<LinkEvents, 'onLinkUp' | 'onStatus'>
  events: EventSink
  log: Logger
  /** The network's shutdown: path reports stop waiting. */
  signal: AbortSignal
  /** The last link to this user closed: time to dial again if they are still watched. */
  onLinkDown: (userId: string) => void
}

/**
 * The bound links, by user id, and each contact's connection status. Only links whose
 * hello proved who is on the other side enter (src/net/link-binding.ts). A user may have
 * several at once (both sides dialled together): the newest carries what we send.
 */
export class LinkTable {
  private readonly links = new Map<string, Set<DmLink>>()
  private readonly statuses = new Map<string, ConnectionStatus>()

  constructor (private readonly init: LinkTableInit) {}

  newest (userId: string): DmLink | undefined {
    const set = this.links.get(userId)
    return set == null ? undefined : [...set].at(-1)
  }

  /** Whether the user's newest link carried something back (a frame, a ping echo) in the last `ms`. */
  heardWithin (userId: string, ms: number, now = Date.now()): boolean {
    const link = this.newest(userId)
    return link != null && now - link.lastHeard <= ms
  }

  /** The user whose link runs over a connection to this peer, if any. */
  userBehind (peerId: string): string | undefined {
    for (const [userId, set] of this.links) {
      for (const link of set) if (link.connection.remotePeer.toString() === peerId) return userId
    }
    return undefined
  }

  status (userId: string): ConnectionStatus {
    return this.statuses.get(userId) ?? 'offline'
  }

  setStatus (userId: string, status: ConnectionStatus): void {
    if (this.statuses.get(userId) === status) return
    this.statuses.set(userId, status)
    // For the benchmark (npm run bench) and the diagnostics view.
    if (status === 'direct') this.init.events.emit('link:direct', { userId })
    this.init.host.onStatus(userId, status)
  }

  bind (userId: string, link: DmLink): void {
    let set = this.links.get(userId)
    if (set == null) { set = new Set(); this.links.set(userId, set) }
    set.add(link)
    this.init.host.onLinkUp(userId)
    void this.reportPath(userId)
  }

  unbind (userId: string, link: DmLink): void {
    const set = this.links.get(userId)
    set?.delete(link)
    if (set == null || set.size === 0) {
      this.links.delete(userId)
      this.setStatus(userId, 'offline')
      this.init.onLinkDown(userId)
    } else {
      void this.reportPath(userId)
    }
  }

  /**
   * `direct` or `turn`, from the ICE candidate pair of the newest link's WebRTC connection.
   * Links come and go while getStats runs (both sides dial at once, one connection is
   * pruned): whichever link is newest when the answer comes is the one reported.
   */
  private async reportPath (userId: string): Promise<void> {
    const link = this.newest(userId)
    if (link == null) return
    const path = await Promise.race([
      webRtcPathOf(link.connection).catch((err: unknown) => {
        this.init.log('could not read the WebRTC path to %s, saying direct: %s', userId, err)
        return undefined
      }),
      sleep(PATH_STATS_TIMEOUT_MS, this.init.signal).then(() => undefined)
    ])
    const newest = this.newest(userId)
    if (newest == null) return
    if (newest !== link) { void this.reportPath(userId); return }
    this.setStatus(userId, path === 'turn' ? 'turn' : 'direct')
  }
}
