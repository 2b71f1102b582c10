import type { Connection } from '@libp2p/interface'

/** How a WebRTC connection's bytes travel: straight between the two browsers, or through a TURN server. */
export type WebRtcPath = 'direct' | 'turn'

/** A direct connection is one that no relay limits: WebRTC, not a circuit. */
export function isDirect (connection: Connection): boolean {
  return connection.limits == null && connection.remoteAddr.toString().includes('/webrtc')
}

/**
 * The RTCPeerConnection under a libp2p WebRTC connection. js-libp2p exposes none: its
 * Connection keeps the transport's MultiaddrConnection in a field that is private to
 * TypeScript only (`maConn`), and @libp2p/webrtc's MultiaddrConnection keeps the
 * RTCPeerConnection as `peerConnection` (libp2p 3.3, @libp2p/webrtc 6.0). Both are read
 * here and nowhere else, checked at run time: if a new version moves them, this returns
 * undefined and the status says `direct` as before (the TURN end-to-end test then fails,
 * which is how a version bump finds out).
 */
export function peerConnectionOf (connection: Connection): RTCPeerConnection | undefined {
  const maConn = (connection as unknown as { maConn?: { peerConnection?: unknown } }).maConn
  const pc = maConn?.peerConnection
  return typeof RTCPeerConnection !== 'undefined' && pc instanceof RTCPeerConnection ? pc : undefined
}

interface StatsEntry {
  id: string
  type: string
  selectedCandidatePairId?: string
  localCandidateId?: string
  remoteCandidateId?: string
  candidateType?: string
  selected?: boolean
  nominated?: boolean
  state?: string
}

/**
 * The path of the selected ICE candidate pair in a getStats() report: `turn` when either
 * end of it is a relay candidate (a TURN allocation), `direct` otherwise (host, server- or
 * peer-reflexive). Undefined while no pair is selected.
 */
export function pathOfStats (report: Iterable<StatsEntry>): WebRtcPath | undefined {
  const byId = new Map<string, StatsEntry>()
  for (const entry of report) byId.set(entry.id, entry)
  let pair: StatsEntry | undefined
  for (const entry of byId.values()) {
    // Chromium names the pair on the transport; Firefox marks the pair itself.
    if (entry.type === 'transport' && entry.selectedCandidatePairId != null) pair = byId.get(entry.selectedCandidatePairId)
  }
  pair ??= [...byId.values()].find((e) => e.type === 'candidate-pair' && e.selected === true)
  if (pair == null) return undefined
  const ends = [byId.get(pair.localCandidateId ?? ''), byId.get(pair.remoteCandidateId ?? '')]
  if (ends.some((c) => c == null)) return undefined
  return ends.some((c) => c!.candidateType === 'relay') ? 'turn' : 'direct'
}

/** The path a WebRTC connection takes now, or undefined when that cannot be read. */
export async function webRtcPathOf (connection: Connection): Promise<WebRtcPath | undefined> {
  const pc = peerConnectionOf(connection)
  if (pc == null) return undefined
  const report = await pc.getStats()
  return pathOfStats(report.values() as Iterable<StatsEntry>)
}
