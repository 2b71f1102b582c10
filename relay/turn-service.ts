import type { PublicConfig } from './public-options.ts'
import type { RelayNode } from './libp2p-node.ts'
import type { RelayLog } from './log.ts'
import { turnServers } from './ice-servers.ts'
import { TURN_PROTOCOL, writeTurnAnswer } from '../src/net/turn-credentials.ts'
import { errorMessage } from '../src/diagnostics/index.ts'

/** TURN credentials handed out and refused since start, for /metrics. */
export interface TurnCounters { handed: number, refused: number }

const NO_RESERVATION = 'This relay hands TURN credentials only to peers that hold a reservation on it; take one first.'

/**
 * Serves TURN credentials over libp2p (src/net/turn-credentials.ts), only to a peer that
 * holds a reservation on this relay: a tab of this network, reachable through it, rather
 * than anyone who fetched /murmur-config.json. Each answer is a fresh credential with its
 * own label, valid --turn-credential-ttl seconds. Without --turn nothing is registered.
 */
export function serveTurnCredentials (
  node: RelayNode,
  config: Pick<PublicConfig, 'turnUrls' | 'turnSecret' | 'turnCredentialTtlSeconds'>,
  log: RelayLog
): () => TurnCounters {
  const counters: TurnCounters = { handed: 0, refused: 0 }
  if (config.turnUrls.length === 0 || config.turnSecret == null) return () => ({ ...counters })
  void node.handle(TURN_PROTOCOL, (stream, connection) => {
    const held = node.services.relay.reservations.has(connection.remotePeer)
    if (held) counters.handed++
    else {
      counters.refused++
      log.debug(`refused TURN credentials to ${connection.remotePeer.toString()}: no reservation`)
    }
    writeTurnAnswer(stream, held ? { iceServers: turnServers(config) } : { error: NO_RESERVATION }).catch((err: unknown) => {
      stream.abort(err instanceof Error ? err : new Error(errorMessage(err)))
    })
  })
  return () => ({ ...counters })
}
