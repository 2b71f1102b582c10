import { ConfigError } from '../core/errors.ts'
import { relayAddrsForPage, type PageOrigin } from './relay-address.ts'
import { DHT_REPLICATION_MAX, DHT_REPLICATION_MIN } from './dht-replication.ts'

/** What the relay that served the app tells it: where the relays are, which ICE servers to use. */
export interface AppConfig {
  relays: string[]
  iceServers: RTCIceServer[]
  /** 'relay': every WebRTC connection goes through the configured TURN servers. */
  iceTransportPolicy: RTCIceTransportPolicy
  /** The relay's VAPID public key (base64url, 65 bytes) when it runs a push gateway. */
  vapidPublicKey?: string
  /** Kademlia's k in this network (`--dht-replication`): how many closest nodes hold each record. */
  dhtReplication?: number
}

export { ConfigError }

const ICE_URL = /^(stun|stuns|turn|turns):\S+$/

/** An ICE server entry as the relay hands it out: stun:/turn: URLs, string credentials if any. */
export function isIceServer (value: unknown): value is RTCIceServer {
  if (typeof value !== 'object' || value == null) return false
  const { urls, username, credential } = value as Record<string, unknown>
  const list = typeof urls === 'string' ? [urls] : urls
  return Array.isArray(list) && list.length > 0 && list.every((u) => typeof u === 'string' && ICE_URL.test(u)) &&
    (username == null || typeof username === 'string') && (credential == null || typeof credential === 'string')
}

/** Checks the served configuration where it enters; a bad one gets a clear error. */
export function parseAppConfig (value: unknown): AppConfig {
  if (typeof value !== 'object' || value == null) throw new ConfigError('The relay configuration is not an object.')
  const { relays, iceServers, iceTransportPolicy, vapidPublicKey, dhtReplication } = value as Record<string, unknown>
  if (!Array.isArray(relays) || relays.length === 0 || !relays.every((r) => typeof r === 'string' && r.startsWith('/'))) {
    throw new ConfigError('The relay configuration lists no relay addresses.')
  }
  if (!Array.isArray(iceServers) || !iceServers.every(isIceServer)) {
    throw new ConfigError('The relay configuration has a malformed ICE server list.')
  }
  if (iceTransportPolicy != null && iceTransportPolicy !== 'all' && iceTransportPolicy !== 'relay') {
    throw new ConfigError('The relay configuration has an ICE transport policy other than "all" or "relay".')
  }
  if (vapidPublicKey != null && (typeof vapidPublicKey !== 'string' || !/^[A-Za-z0-9_-]{87}$/.test(vapidPublicKey))) {
    throw new ConfigError('The relay configuration has a malformed VAPID public key.')
  }
  if (dhtReplication != null && (!Number.isInteger(dhtReplication) || (dhtReplication as number) < DHT_REPLICATION_MIN || (dhtReplication as number) > DHT_REPLICATION_MAX)) {
    throw new ConfigError(`The relay configuration has a DHT replication outside ${DHT_REPLICATION_MIN} to ${DHT_REPLICATION_MAX}.`)
  }
  return {
    relays: relays as string[],
    iceServers,
    iceTransportPolicy: iceTransportPolicy ?? 'all',
    ...(vapidPublicKey != null ? { vapidPublicKey } : {}),
    ...(dhtReplication != null ? { dhtReplication: dhtReplication as number } : {})
  }
}

/**
 * The configuration the relay serves beside the app, with its relay addresses made
 * dialable from this page (wss on the page's host when the page came over https).
 */
export async function fetchAppConfig (
  url = '/murmur-config.json',
  signal?: AbortSignal,
  page: PageOrigin = globalThis.location
): Promise<AppConfig> {
  const response = await fetch(url, { signal, cache: 'no-store' })
  if (!response.ok) throw new ConfigError(`The relay did not hand out its configuration (HTTP ${response.status}).`)
  const config = parseAppConfig(await response.json())
  return { ...config, relays: relayAddrsForPage(config.relays, page) }
}

/** True when the app runs from loopback or a private network, where the relay is too. */
export function isLocalOrigin (hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\./.test(hostname) ||
    /^10\./.test(hostname) || /^192\.168\./.test(hostname) || /^172\.(1[6-9]|2\d|3[01])\./.test(hostname)
}
