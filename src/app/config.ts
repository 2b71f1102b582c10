/** What the relay that served the app tells it: where the relays are, which ICE servers to use. */
export interface AppConfig {
  relays: string[]
  iceServers: RTCIceServer[]
  /** The relay's VAPID public key (base64url, 65 bytes) when it runs a push gateway. */
  vapidPublicKey?: string
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Checks the served configuration where it enters; a bad one gets a clear error. */
export function parseAppConfig (value: unknown): AppConfig {
  if (typeof value !== 'object' || value == null) throw new ConfigError('The relay configuration is not an object.')
  const { relays, iceServers, vapidPublicKey } = value as Record<string, unknown>
  if (!Array.isArray(relays) || relays.length === 0 || !relays.every((r) => typeof r === 'string' && r.startsWith('/'))) {
    throw new ConfigError('The relay configuration lists no relay addresses.')
  }
  if (!Array.isArray(iceServers) || !iceServers.every((s) => typeof s === 'object' && s != null && 'urls' in s)) {
    throw new ConfigError('The relay configuration has a malformed ICE server list.')
  }
  if (vapidPublicKey != null && (typeof vapidPublicKey !== 'string' || !/^[A-Za-z0-9_-]{87}$/.test(vapidPublicKey))) {
    throw new ConfigError('The relay configuration has a malformed VAPID public key.')
  }
  return { relays: relays as string[], iceServers: iceServers as RTCIceServer[], ...(vapidPublicKey != null ? { vapidPublicKey } : {}) }
}

export async function fetchAppConfig (url = '/murmur-config.json', signal?: AbortSignal): Promise<AppConfig> {
  const response = await fetch(url, { signal, cache: 'no-store' })
  if (!response.ok) throw new ConfigError(`The relay did not hand out its configuration (HTTP ${response.status}).`)
  return parseAppConfig(await response.json())
}

/** True when the app runs from loopback or a private network, where the relay is too. */
export function isLocalOrigin (hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\./.test(hostname) ||
    /^10\./.test(hostname) || /^192\.168\./.test(hostname) || /^172\.(1[6-9]|2\d|3[01])\./.test(hostname)
}
