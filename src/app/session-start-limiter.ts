/**
 * How many identities one PeerId may start sessions for. A tab has one identity (and a new
 * PeerId per page load); a little room costs nothing. PeerIds are free, so this bounds what
 * one connection can do, not what an attacker can: the replay cache's own bounds do that.
 */
export const PEER_IDENTITIES_MAX = 4
/** PeerIds remembered (the least recently seen are forgotten first). */
const PEERS_REMEMBERED = 4096

/** Which identities each PeerId started sessions for, in this tab's memory. */
export class SessionStartLimiter {
  private readonly peers = new Map<string, Set<string>>()

  /** Whether `peerId` may start a session for `userId`; remembers it when it may. */
  admit (peerId: string, userId: string): boolean {
    const ids = this.peers.get(peerId) ?? new Set<string>()
    if (!ids.has(userId) && ids.size >= PEER_IDENTITIES_MAX) return false
    ids.add(userId)
    this.peers.delete(peerId)
    this.peers.set(peerId, ids)
    if (this.peers.size > PEERS_REMEMBERED) this.peers.delete(this.peers.keys().next().value!)
    return true
  }
}
