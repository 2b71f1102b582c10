import type { StartupStatus } from '../../app/retry-start.ts'
import type { ConnectionStatus, RelayStatus } from '../../core/ports/index.ts'

/**
 * Every ICE server URL in a configuration, for display. Only the URLs: a TURN server's
 * username and credential are secrets that stay out of the page's text.
 */
export function iceServerUrls (iceServers: readonly RTCIceServer[]): string[] {
  const urls = iceServers.flatMap((s) => typeof s.urls === 'string' ? [s.urls] : [...s.urls])
  return [...new Set(urls)]
}

/**
 * What the relay line says, as a catalogue key and its values:
 * - before the network half has started, or during a try: "Connecting to the relay…",
 *   never "offline" (every start would flash it);
 * - after a failed try: "Waiting for the relay… retrying in N s";
 * - once started: reachable through N relays, connecting, or offline; offline says that
 *   messages wait only when no direct link is up, since direct links still deliver.
 */
export type RelayLine =
  | { key: 'relay.reachable', params: { count: number } }
  | { key: 'relay.connecting' }
  | { key: 'relay.waiting', params: { seconds: number } }
  | { key: 'relay.offline' }
  | { key: 'relay.offlineDirect' }

export interface RelaySummaryInput {
  startup: StartupStatus
  /** undefined until the relay keeper's first report. */
  relay: RelayStatus | undefined
  reservedRelays: number
  /** Contacts with a direct (or TURN) link up now. */
  directLinks: number
  now: number
}

export function relayLine (input: RelaySummaryInput): RelayLine {
  const { startup } = input
  if (startup.phase === 'waiting') {
    const seconds = Math.ceil((startup.retryAt - input.now) / 1000)
    return seconds > 0 ? { key: 'relay.waiting', params: { seconds } } : { key: 'relay.connecting' }
  }
  if (startup.phase === 'starting' || input.relay == null) return { key: 'relay.connecting' }
  if (input.relay === 'reserved') return { key: 'relay.reachable', params: { count: input.reservedRelays } }
  if (input.relay === 'connecting') return { key: 'relay.connecting' }
  return input.directLinks > 0 ? { key: 'relay.offlineDirect' } : { key: 'relay.offline' }
}

/** Which offline notice the banner shows: direct links still deliver while the server is away. */
export function offlineNoticeKey (directLinks: number): 'pwa.offline' | 'pwa.offlineDirect' {
  return directLinks > 0 ? 'pwa.offlineDirect' : 'pwa.offline'
}

/** How many contacts a direct (or TURN) link reaches now. */
export function countDirectLinks (statuses: Readonly<Record<string, ConnectionStatus>>): number {
  return Object.values(statuses).filter((s) => s === 'direct' || s === 'turn').length
}
