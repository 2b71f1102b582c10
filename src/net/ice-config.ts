import type { AppConfig } from './app-config.ts'
import type { Logger } from '../diagnostics/index.ts'
import { isTurnWithoutCredential } from './turn-credentials.ts'

/** Fetch new TURN credentials this long before the ones in hand run out. */
const REFRESH_MARGIN_MS = 10 * 60 * 1000
/** After a failed attempt, new peer connections go without TURN for this long before asking again. */
const RETRY_AFTER_MS = 15 * 1000

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

/** The configuration's servers a browser can use as they are: TURN without a credential is left out. */
export function rtcConfigurationOf (config: AppConfig, turn: readonly RTCIceServer[] = []): RTCConfiguration {
  return { iceServers: [...config.iceServers.filter((s) => !isTurnWithoutCredential(s)), ...turn], iceTransportPolicy: config.iceTransportPolicy }
}

export interface RtcConfigurationOptions {
  now?: () => number
  log?: Logger
  /**
   * Fetches TURN credentials from the relay this tab holds a reservation on
   * (src/net/turn-credentials.ts): the configuration names TURN servers without them.
   */
  turn?: () => Promise<RTCIceServer[]>
}

/**
 * The RTCConfiguration each new peer connection starts with: the relay's STUN servers, and
 * its TURN servers with credentials asked for over libp2p, again once they are close to
 * expiry, so a tab left open for days still gets through TURN. A relay that still puts
 * credentials in its configuration is asked for the configuration again instead. When
 * the relay cannot be asked, what is in hand is used (maybe no TURN for this connection).
 */
export function createRtcConfigurationSource (
  initial: AppConfig,
  refetch: () => Promise<AppConfig>,
  options: RtcConfigurationOptions = {}
): () => Promise<RTCConfiguration> {
  const now = options.now ?? Date.now
  let current = initial
  let pending: Promise<void> | undefined
  let turn: RTCIceServer[] = []
  let turnPending: Promise<void> | undefined
  let failedAt = -Infinity

  const due = (servers: readonly RTCIceServer[]): boolean => {
    const expiry = turnCredentialExpiry(servers)
    return expiry != null && now() > expiry - REFRESH_MARGIN_MS
  }

  const renewTurn = async (): Promise<void> => {
    if (options.turn == null || !current.iceServers.some(isTurnWithoutCredential)) return
    if (turn.length > 0 && !due(turn)) return
    if (now() - failedAt < RETRY_AFTER_MS) return
    turnPending ??= options.turn().then(
      (fresh) => { turn = fresh },
      (err: unknown) => {
        failedAt = now()
        if ((turnCredentialExpiry(turn) ?? 0) <= now()) turn = []
        options.log?.('could not get TURN credentials from the relay, going on without fresh ones: %s', err)
      }
    ).finally(() => { turnPending = undefined })
    await turnPending
  }

  return async () => {
    if (due(current.iceServers)) {
      pending ??= refetch().then(
        (fresh) => { current = fresh },
        (err: unknown) => { options.log?.('could not renew the TURN credentials, keeping the ones in hand: %s', err) }
      ).finally(() => { pending = undefined })
      await pending
    }
    await renewTurn()
    return rtcConfigurationOf(current, turn)
  }
}
