import type { AppConfig } from './app-config.ts'
import type { Logger } from '../diagnostics/index.ts'

/** Fetch new TURN credentials this long before the ones in hand run out. */
const REFRESH_MARGIN_MS = 10 * 60 * 1000

/**
 * When the TURN credentials in a list stop working: the TURN REST API puts the expiry
 * (unix seconds) before the first colon of the username. Undefined when none has one.
 */
export function turnCredentialExpiry (iceServers: readonly RTCIceServer[]): number | undefined {
  let earliest: number | undefined
  for (const server of iceServers) {
    const match = /^(\d+):/.exec(server.username ?? '')
    if (match == null) continue
    const expiry = Number(match[1]) * 1000
    earliest = earliest == null ? expiry : Math.min(earliest, expiry)
  }
  return earliest
}

export function rtcConfigurationOf (config: AppConfig): RTCConfiguration {
  return { iceServers: config.iceServers, iceTransportPolicy: config.iceTransportPolicy }
}

/**
 * The RTCConfiguration each new peer connection starts with: the relay's, asked again
 * once its TURN credentials are close to expiry, so a tab left open for days still gets
 * through TURN. If the relay cannot be asked, the configuration in hand is used.
 */
export function createRtcConfigurationSource (
  initial: AppConfig,
  refetch: () => Promise<AppConfig>,
  options: { now?: () => number, log?: Logger } = {}
): () => Promise<RTCConfiguration> {
  const now = options.now ?? Date.now
  let current = initial
  let pending: Promise<void> | undefined
  return async () => {
    const expiry = turnCredentialExpiry(current.iceServers)
    if (expiry != null && now() > expiry - REFRESH_MARGIN_MS) {
      pending ??= refetch().then(
        (fresh) => { current = fresh },
        (err: unknown) => { options.log?.('could not renew the TURN credentials, keeping the ones in hand: %s', err) }
      ).finally(() => { pending = undefined })
      await pending
    }
    return rtcConfigurationOf(current)
  }
}
