// The options a relay on the internet needs and a relay on loopback does not: its own TLS
// certificate, the name people reach it at, and the ICE servers it hands to the app.
// config.ts lists them among its OPTIONS; they live here so that table stays short.
import { isIP } from 'node:net'
import { resolve } from 'node:path'
import { ConfigError } from '../src/core/errors.ts'
import { parseInteger, splitList } from './option-values.ts'
import type { OptionSpec } from './config.ts'

export type IceTransportPolicy = 'all' | 'relay'

export interface PublicConfig {
  /** PEM certificate chain and key: the relay serves HTTPS and wss itself. */
  tlsCertFile?: string
  tlsKeyFile?: string
  /** The DNS name (or address) people reach the relay at; announced in its multiaddrs. */
  publicHost?: string
  /** The port people reach the relay's wss at, when it differs from the listening one. */
  publicPort?: number
  /** stun: / stuns: URLs handed to the app. */
  stunUrls: string[]
  /** turn: / turns: URLs handed to the app, with credentials derived from turnSecret. */
  turnUrls: string[]
  /** The TURN server's shared secret (coturn static-auth-secret). */
  turnSecret?: string
  /** How long a TURN credential handed out stays valid. */
  turnCredentialTtlSeconds: number
  /** 'relay' makes every WebRTC connection go through TURN (hides addresses from peers). */
  iceTransportPolicy: IceTransportPolicy
}

const HOST_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i
const ICE_HOST = String.raw`(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?`
const STUN_URL = new RegExp(`^stuns?:${ICE_HOST}$`, 'i')
const TURN_URL = new RegExp(`^turns?:${ICE_HOST}(\\?transport=(udp|tcp))?$`, 'i')

function parsePublicHost (value: string, source: string): string | undefined {
  if (value === '') return undefined
  const isName = value.length <= 253 && value.split('.').every((label) => HOST_LABEL.test(label))
  if (isIP(value) === 0 && !isName) {
    throw new ConfigError(`${source} must be a host name such as chat.example.org (no scheme, no port), got "${value}".`)
  }
  return value.toLowerCase()
}

function parseUrls (value: string, source: string, pattern: RegExp, example: string): string[] {
  const urls = splitList(value)
  for (const url of urls) {
    if (!pattern.test(url)) throw new ConfigError(`${source} must be comma-separated URLs such as ${example}, and "${url}" is not one.`)
  }
  return urls
}

function optionalFile (value: string, cwd: string): string | undefined {
  return value === '' ? undefined : resolve(cwd, value)
}

export const PUBLIC_OPTIONS: readonly OptionSpec[] = [
  {
    flag: '--tls-cert', env: 'MURMUR_TLS_CERT', fallback: '',
    meaning: 'PEM certificate chain: serve HTTPS and wss with it (re-read on SIGHUP); leave unset behind a TLS proxy',
    apply: (c, v, _s, cwd) => { c.tlsCertFile = optionalFile(v, cwd) }
  },
  {
    flag: '--tls-key', env: 'MURMUR_TLS_KEY', fallback: '',
    meaning: 'PEM private key of --tls-cert (re-read on SIGHUP)',
    apply: (c, v, _s, cwd) => { c.tlsKeyFile = optionalFile(v, cwd) }
  },
  {
    flag: '--public-host', env: 'MURMUR_PUBLIC_HOST', fallback: '',
    meaning: 'the name people reach this relay at, e.g. chat.example.org: the relay announces /dns4/<name>/tcp/<port>/tls/ws (ignored when --announce is set)',
    apply: (c, v, s) => { c.publicHost = parsePublicHost(v, s) }
  },
  {
    flag: '--public-port', env: 'MURMUR_PUBLIC_PORT', fallback: '',
    meaning: 'the port of the announced wss address (default: the websockets port with --tls-cert, else 443, where a TLS proxy listens)',
    apply: (c, v, s) => { c.publicPort = v === '' ? undefined : parseInteger(v, s, 1, 65535) }
  },
  {
    flag: '--stun', env: 'MURMUR_STUN_URLS', fallback: '',
    meaning: 'comma-separated STUN URLs the app uses, e.g. stun:turn.example.org:3478 (none by default: no third party learns who talks)',
    apply: (c, v, s) => { c.stunUrls = parseUrls(v, s, STUN_URL, 'stun:turn.example.org:3478') }
  },
  {
    flag: '--turn', env: 'MURMUR_TURN_URLS', fallback: '',
    meaning: 'comma-separated TURN URLs the app uses, e.g. turn:turn.example.org:3478?transport=udp (needs --turn-secret)',
    apply: (c, v, s) => { c.turnUrls = parseUrls(v, s, TURN_URL, 'turn:turn.example.org:3478?transport=udp') }
  },
  {
    flag: '--turn-secret', env: 'MURMUR_TURN_SECRET', fallback: '',
    meaning: 'the TURN server\'s shared secret (coturn static-auth-secret); prefer the environment variable, which ps does not show',
    apply: (c, v) => { c.turnSecret = v === '' ? undefined : v }
  },
  {
    flag: '--turn-credential-ttl', env: 'MURMUR_TURN_CREDENTIAL_TTL', fallback: '86400',
    meaning: 'seconds a TURN credential handed to a tab stays valid (tabs fetch a fresh one before it runs out)',
    apply: (c, v, s) => { c.turnCredentialTtlSeconds = parseInteger(v, s, 60, 7 * 86400) }
  },
  {
    flag: '--ice-transport-policy', env: 'MURMUR_ICE_TRANSPORT_POLICY', fallback: 'all',
    meaning: 'all, or relay: every WebRTC connection goes through TURN, so peers never learn each other\'s IP addresses',
    apply: (c, v, s) => {
      if (v !== 'all' && v !== 'relay') throw new ConfigError(`${s} must be all or relay, got "${v}".`)
      c.iceTransportPolicy = v
    }
  }
]

/** Rules between options, checked once every option has its value. */
export function checkPublicOptions (config: PublicConfig & { wsPort: number }): void {
  if ((config.tlsCertFile == null) !== (config.tlsKeyFile == null)) {
    throw new ConfigError('--tls-cert and --tls-key go together: give both, or neither behind a TLS proxy.')
  }
  if (config.turnUrls.length > 0 && config.turnSecret == null) {
    throw new ConfigError('--turn needs --turn-secret (MURMUR_TURN_SECRET): browsers refuse a TURN server without credentials.')
  }
  if (config.turnUrls.length === 0 && config.turnSecret != null) {
    throw new ConfigError('--turn-secret is set but no --turn URL is: say where the TURN server is.')
  }
  if (config.iceTransportPolicy === 'relay' && config.turnUrls.length === 0) {
    throw new ConfigError('--ice-transport-policy relay needs a --turn server: without one no WebRTC connection can ever be made.')
  }
  if (config.publicPort != null && config.publicHost == null) {
    throw new ConfigError('--public-port needs --public-host: it is the port of that announced address.')
  }
  if (config.publicHost != null && config.tlsCertFile != null && config.wsPort === 0 && config.publicPort == null) {
    throw new ConfigError('--public-host with --tls-cert and a websockets port picked at random cannot announce a port: set --ws-port or --public-port.')
  }
}
