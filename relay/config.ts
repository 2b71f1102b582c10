import { resolve } from 'node:path'
import type { StoreLimits } from '../src/core/holder/store-limits.ts'
import { ConfigError } from '../src/core/errors.ts'
import { parseAddrList, parseBootstrap, parseCount, parseHost, parseNeighbours, parsePort, parseTrustedProxies } from './option-values.ts'
import type { TrustedProxy } from './client-address.ts'
import { PUBLIC_OPTIONS, checkPublicOptions, type PublicConfig } from './public-options.ts'
import { STORAGE_OPTIONS } from './storage-options.ts'
import { PUSH_OPTIONS, type PushConfig } from './push/push-options.ts'

export type { PushConfig }

export { ConfigError }

export type LogLevel = 'error' | 'info' | 'debug'

export interface RelayConfig extends PublicConfig {
  /** Address both listeners bind to. */
  host: string
  /** HTTP port for the app, /health and /metrics; 0 picks a free one. */
  port: number
  /** libp2p websockets port; 0 picks a free one. */
  wsPort: number
  /** Absolute path of the state directory (peer key, DHT datastore). */
  dataDir: string
  /** Absolute path of the built app. */
  appDir: string
  /** Multiaddrs to hand out instead of the listening ones (e.g. behind a TLS proxy). */
  announce: string[]
  /** Other relays of the same network to join at start and keep connected to. */
  bootstrap: string[]
  /** Peer ids of relays this operator vouches for: handed to tabs when they connect here. */
  neighbours: string[]
  maxReservations: number
  maxReservationsPerIp: number
  maxConnections: number
  /** Connections one IPv4 address or IPv6 /64 holds open at once (relay/connection-cap.ts). */
  maxConnectionsPerIp: number
  inboundConnectionsPerSecond: number
  /** Reverse proxies whose X-Real-IP / X-Forwarded-For header is believed (relay/client-address.ts). */
  trustedProxies: TrustedProxy[]
  /** What the relay keeps in its DHT store for others (src/net/holder-datastore.ts, relay/storage-options.ts). */
  storeLimits: StoreLimits
  /** Kademlia k: how many closest DHT nodes hold each record; handed to tabs too. */
  dhtReplication: number
  log: LogLevel
  push: PushConfig
}

export type ParsedCommand =
  | { kind: 'help' }
  | { kind: 'run', config: RelayConfig }

export interface OptionSpec {
  flag: string
  env: string
  fallback: string
  meaning: string
  apply: (config: RelayConfig, value: string, source: string, cwd: string) => void
}

const LOG_LEVELS: readonly LogLevel[] = ['error', 'info', 'debug']

/** Every option, in the order --help lists them. The fallbacks are applied through `apply` too. */
export const OPTIONS: readonly OptionSpec[] = [
  {
    flag: '--host', env: 'MURMUR_HOST', fallback: '127.0.0.1',
    meaning: 'IP address the HTTP server and the libp2p listener bind to',
    apply: (c, v, s) => { c.host = parseHost(v, s) }
  },
  {
    flag: '--port', env: 'MURMUR_PORT', fallback: '8080',
    meaning: 'HTTP port for the app, /health, /metrics and /murmur-config.json (0 = any free port)',
    apply: (c, v, s) => { c.port = parsePort(v, s) }
  },
  {
    flag: '--ws-port', env: 'MURMUR_WS_PORT', fallback: 'auto',
    meaning: 'libp2p websockets port (0 = any free port; auto = the HTTP port + 1, so open tabs find the relay again after a restart)',
    // A fixed port by default: the relay address a tab holds (from /murmur-config.json)
    // stays valid across relay restarts. --port is applied before this option.
    apply: (c, v, s) => {
      c.wsPort = v === 'auto' ? (c.port === 0 || c.port === 65535 ? 0 : c.port + 1) : parsePort(v, s)
    }
  },
  {
    flag: '--data', env: 'MURMUR_DATA', fallback: '.murmur/relay',
    meaning: 'state directory: the relay\'s private key and its DHT records',
    apply: (c, v, _s, cwd) => { c.dataDir = resolve(cwd, v) }
  },
  {
    flag: '--app', env: 'MURMUR_APP_DIR', fallback: 'dist',
    meaning: 'directory of the built app to serve (npm run build writes it)',
    apply: (c, v, _s, cwd) => { c.appDir = resolve(cwd, v) }
  },
  {
    flag: '--announce', env: 'MURMUR_ANNOUNCE', fallback: '',
    meaning: 'comma-separated multiaddrs to give browsers instead of the listening ones, e.g. /dns4/relay.example/tcp/443/wss',
    apply: (c, v, s) => { c.announce = parseAddrList(v, s) }
  },
  {
    flag: '--bootstrap', env: 'MURMUR_BOOTSTRAP', fallback: '',
    meaning: 'comma-separated multiaddrs (ending in /p2p/<id>) of other relays of the same network, to join and stay connected to',
    apply: (c, v, s) => { c.bootstrap = parseBootstrap(v, s) }
  },
  {
    flag: '--neighbour', env: 'MURMUR_NEIGHBOURS', fallback: '',
    meaning: 'comma-separated peer ids (or addresses ending in /p2p/<id>) of relays of your network that join this one: with --bootstrap, the only relays handed to tabs',
    apply: (c, v, s) => { c.neighbours = parseNeighbours(v, s) }
  },
  {
    flag: '--max-reservations', env: 'MURMUR_MAX_RESERVATIONS', fallback: '4096',
    meaning: 'relay reservations held at once (one per browser tab)',
    apply: (c, v, s) => { c.maxReservations = parseCount(v, s) }
  },
  {
    flag: '--max-reservations-per-ip', env: 'MURMUR_MAX_RESERVATIONS_PER_IP', fallback: '1024',
    meaning: 'relay reservations held at once by tabs behind one IPv4 address or IPv6 /64 (a carrier NAT hides many people)',
    apply: (c, v, s) => { c.maxReservationsPerIp = parseCount(v, s) }
  },
  {
    flag: '--max-connections', env: 'MURMUR_MAX_CONNECTIONS', fallback: '8192',
    meaning: 'libp2p connections open at once',
    apply: (c, v, s) => { c.maxConnections = parseCount(v, s) }
  },
  {
    flag: '--max-connections-per-ip', env: 'MURMUR_MAX_CONNECTIONS_PER_IP', fallback: '1024',
    meaning: 'libp2p connections one IPv4 address or IPv6 /64 holds open at once (a tab holds one or two; a carrier NAT hides many people)',
    apply: (c, v, s) => { c.maxConnectionsPerIp = parseCount(v, s) }
  },
  {
    flag: '--trusted-proxy', env: 'MURMUR_TRUSTED_PROXY', fallback: '',
    meaning: 'comma-separated addresses or networks of your reverse proxy (e.g. 127.0.0.1,::1): only requests from these are believed when their X-Real-IP or X-Forwarded-For names the client',
    apply: (c, v, s) => { c.trustedProxies = parseTrustedProxies(v, s) }
  },
  {
    flag: '--connections-per-ip-per-second', env: 'MURMUR_CONNECTIONS_PER_IP_PER_SECOND', fallback: '100',
    meaning: 'new inbound libp2p connections accepted per second from one IP address',
    apply: (c, v, s) => { c.inboundConnectionsPerSecond = parseCount(v, s) }
  },
  ...STORAGE_OPTIONS,
  ...PUBLIC_OPTIONS,
  {
    flag: '--log', env: 'MURMUR_LOG', fallback: 'info',
    meaning: 'what goes to stderr: error, info or debug (record contents never)',
    apply: (c, v, s) => {
      if (!(LOG_LEVELS as readonly string[]).includes(v)) {
        throw new ConfigError(`${s} must be one of ${LOG_LEVELS.join(', ')}, got "${v}".`)
      }
      c.log = v as LogLevel
    }
  },
  ...PUSH_OPTIONS
]

/**
 * Reads the command line and the environment into a configuration. Precedence: flag, then
 * environment variable, then default. Throws ConfigError with a one-line sentence.
 */
export function parseCommand (
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
  cwd = process.cwd()
): ParsedCommand {
  if (argv.includes('--help') || argv.includes('-h')) return { kind: 'help' }
  const fromFlags = new Map<OptionSpec, string>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const eq = arg.indexOf('=')
    const name = eq === -1 ? arg : arg.slice(0, eq)
    const spec = OPTIONS.find((o) => o.flag === name)
    if (spec == null) {
      throw new ConfigError(`Unknown option "${name}". Run with --help to see the options.`)
    }
    let value: string | undefined
    if (eq !== -1) {
      value = arg.slice(eq + 1)
    } else {
      value = argv[++i]
      if (value == null || value.startsWith('--')) throw new ConfigError(`${spec.flag} needs a value.`)
    }
    fromFlags.set(spec, value)
  }

  const config = {} as RelayConfig
  for (const spec of OPTIONS) {
    const flagValue = fromFlags.get(spec)
    const envValue = env[spec.env]
    if (flagValue != null) spec.apply(config, flagValue, spec.flag, cwd)
    else if (envValue != null && envValue !== '') spec.apply(config, envValue, spec.env, cwd)
    else spec.apply(config, spec.fallback, `the default of ${spec.flag}`, cwd)
  }
  checkPublicOptions(config)
  return { kind: 'run', config }
}

export function helpText (): string {
  const lines = [
    'Murmur relay: serves the Murmur app and runs the libp2p relay and DHT node it talks to.',
    '',
    'Usage: npm start -- [options]    (or: npm run relay -- [options])',
    '',
    'Options (each also read from the environment variable shown; flags win):'
  ]
  for (const o of OPTIONS) {
    const fallback = o.fallback === '' ? 'none' : o.fallback
    lines.push(`  ${o.flag} <value>`, `      env ${o.env}, default ${fallback}`, `      ${o.meaning}`)
  }
  lines.push('  --help', '      print this text and exit', '')
  return lines.join('\n')
}
