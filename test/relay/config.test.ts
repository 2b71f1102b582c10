import { describe, expect, it } from 'vitest'
import { ConfigError, OPTIONS, helpText, parseCommand, type RelayConfig } from '../../relay/config.ts'
import { announcedAddrs } from '../../relay/public-address.ts'
import { TAB_STORE_LIMITS } from '../../src/core/holder/store-limits.ts'

const MIB = 1024 * 1024

function run (argv: string[], env: Record<string, string> = {}): RelayConfig {
  const command = parseCommand(argv, env, '/srv/murmur')
  if (command.kind !== 'run') throw new Error('expected a run command')
  return command.config
}

describe('relay configuration', () => {
  it('has defaults for a local relay', () => {
    expect(run([])).toEqual({
      host: '127.0.0.1',
      port: 8080,
      wsPort: 8081,
      dataDir: '/srv/murmur/.murmur/relay',
      appDir: '/srv/murmur/dist',
      announce: [],
      bootstrap: [],
      neighbours: [],
      maxReservations: 4096,
      maxReservationsPerIp: 1024,
      maxConnections: 8192,
      maxConnectionsPerIp: 1024,
      inboundConnectionsPerSecond: 100,
      trustedProxies: [],
      storeLimits: {
        mailbox: { count: 100_000, bytes: 1024 * MIB, perSourceCount: 4096, perSourceBytes: 64 * MIB },
        directory: { count: 200_000, bytes: 256 * MIB, perSourceCount: 8192, perSourceBytes: 32 * MIB },
        peers: TAB_STORE_LIMITS.peers
      },
      dhtReplication: 20,
      stunUrls: [],
      turnUrls: [],
      turnCredentialTtlSeconds: 86400,
      iceTransportPolicy: 'all',
      log: 'info',
      push: {
        intervalSeconds: 30,
        maxSubscriptions: 100_000,
        registrationsPerIpPerHour: 30,
        expireAfterDays: 60,
        allowPrivateEndpoints: false
      }
    })
    // No TLS, no public name, no ICE servers unless the operator names them.
    const defaults = run([])
    for (const key of ['tlsCertFile', 'tlsKeyFile', 'publicHost', 'publicPort', 'turnSecret'] as const) {
      expect(defaults[key]).toBeUndefined()
    }
    // No push contact either: relay/push/vapid-subject.ts picks one at start.
    expect(defaults.push.vapidSubject).toBeUndefined()
    expect(run(['--vapid-subject', 'auto']).push.vapidSubject).toBeUndefined()
  })

  it('reads the DHT store limits per pool and per source, sizes in MiB', () => {
    const config = run(['--mailbox-max-records', '5', '--mailbox-max-mib-per-source', '2', '--directory-max-records-per-source', '7'],
      { MURMUR_MAILBOX_MAX_MIB: '3', MURMUR_MAILBOX_MAX_RECORDS_PER_SOURCE: '4', MURMUR_DIRECTORY_MAX_MIB: '9' })
    expect(config.storeLimits.mailbox).toEqual({ count: 5, bytes: 3 * MIB, perSourceCount: 4, perSourceBytes: 2 * MIB })
    expect(config.storeLimits.directory).toMatchObject({ bytes: 9 * MIB, perSourceCount: 7 })
  })

  it('reads the neighbours by peer id or by address, and refuses anything else', () => {
    const id = '12D3KooWGC6TvWhfapngX6wvJHMYvKpDMXPb3ZnCZ6dMoaMtimQ5'
    const other = '12D3KooWRBy97UB99e3J6hiPesre1MZeuNQvfan4gBziswrRJsNK'
    expect(run(['--neighbour', `${id}, /dns4/b.example/tcp/443/tls/ws/p2p/${other}`]).neighbours).toEqual([id, other])
    expect(run([], { MURMUR_NEIGHBOURS: id }).neighbours).toEqual([id])
    expect(() => run(['--neighbour', '/ip4/1.2.3.4/tcp/1/ws'])).toThrow(/--neighbour must be comma-separated peer ids/)
    expect(() => run(['--neighbour', 'not-a-peer'])).toThrow(/"not-a-peer" is neither/)
  })

  it('reads the per-address connection cap and the trusted proxies', () => {
    const config = run(['--max-connections-per-ip', '8'], { MURMUR_TRUSTED_PROXY: '127.0.0.1, ::1,10.0.0.0/8' })
    expect(config.maxConnectionsPerIp).toBe(8)
    expect(config.trustedProxies.map((p) => p.bits)).toEqual([32, 128, 8])
    expect(() => run(['--trusted-proxy', 'nginx.local'])).toThrow(/--trusted-proxy must be comma-separated IP addresses or networks/)
  })

  it('reads the DHT replication (Kademlia k) from the flag or the environment', () => {
    expect(run(['--dht-replication', '8']).dhtReplication).toBe(8)
    expect(run([], { MURMUR_DHT_REPLICATION: '5' }).dhtReplication).toBe(5)
  })

  it('puts websockets on the HTTP port + 1 unless told otherwise, and on any free port when HTTP has one', () => {
    expect(run(['--port', '9000']).wsPort).toBe(9001)
    expect(run(['--port', '0']).wsPort).toBe(0)
    expect(run(['--port', '9000', '--ws-port', '0']).wsPort).toBe(0)
    expect(run([], { MURMUR_WS_PORT: '7777' }).wsPort).toBe(7777)
  })

  it('reads flags in both spellings, and flags win over the environment', () => {
    const config = run(['--port', '9000', '--ws-port=9001', '--data', 'state', '--max-reservations', '10'],
      { MURMUR_PORT: '7000', MURMUR_HOST: '0.0.0.0', MURMUR_LOG: 'debug' })
    expect(config.port).toBe(9000)
    expect(config.wsPort).toBe(9001)
    expect(config.dataDir).toBe('/srv/murmur/state')
    expect(config.maxReservations).toBe(10)
    expect(config.host).toBe('0.0.0.0')
    expect(config.log).toBe('debug')
  })

  it('reads comma-separated announce addresses', () => {
    expect(run(['--announce', '/dns4/relay.example/tcp/443/wss, /ip4/203.0.113.5/tcp/4002/ws']).announce)
      .toEqual(['/dns4/relay.example/tcp/443/wss', '/ip4/203.0.113.5/tcp/4002/ws'])
  })

  it('reads the push gateway options', () => {
    const config = run(['--vapid-subject', 'https://relay.example/contact', '--push-interval', '5', '--push-allow-private-endpoints', 'yes', '--push-expire-days', '7'],
      { MURMUR_PUSH_MAX_SUBSCRIPTIONS: '10', MURMUR_PUSH_REGISTRATIONS_PER_IP: '4' })
    expect(config.push).toEqual({
      vapidSubject: 'https://relay.example/contact', intervalSeconds: 5, maxSubscriptions: 10, registrationsPerIpPerHour: 4, expireAfterDays: 7, allowPrivateEndpoints: true
    })
  })

  it('reads the TLS, public name and ICE options', () => {
    const config = run([
      '--tls-cert', 'tls/fullchain.pem', '--tls-key', '/etc/murmur/key.pem', '--public-host', 'Chat.Example.org',
      '--stun', 'stun:turn.example.org:3478', '--turn', 'turn:turn.example.org:3478?transport=udp, turns:turn.example.org:5349',
      '--ice-transport-policy', 'relay', '--turn-credential-ttl', '3600'
    ], { MURMUR_TURN_SECRET: 'shared' })
    expect(config).toMatchObject({
      tlsCertFile: '/srv/murmur/tls/fullchain.pem',
      tlsKeyFile: '/etc/murmur/key.pem',
      publicHost: 'chat.example.org',
      stunUrls: ['stun:turn.example.org:3478'],
      turnUrls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349'],
      turnSecret: 'shared',
      turnCredentialTtlSeconds: 3600,
      iceTransportPolicy: 'relay'
    })
    expect(run(['--public-host', '203.0.113.7', '--public-port', '8443']).publicPort).toBe(8443)
  })

  it('announces the public name on the port people reach: --public-port, else the wss port with a certificate, else 443', () => {
    expect(announcedAddrs(run(['--public-host', 'chat.example.org']))).toEqual(['/dns4/chat.example.org/tcp/443/tls/ws'])
    expect(announcedAddrs(run(['--public-host', 'chat.example.org', '--port', '443', '--tls-cert', 'c', '--tls-key', 'k'])))
      .toEqual(['/dns4/chat.example.org/tcp/444/tls/ws'])
    expect(announcedAddrs(run(['--public-host', 'chat.example.org', '--public-port', '8443']))).toEqual(['/dns4/chat.example.org/tcp/8443/tls/ws'])
    expect(announcedAddrs(run(['--public-host', '203.0.113.7']))).toEqual(['/ip4/203.0.113.7/tcp/443/tls/ws'])
    expect(announcedAddrs(run(['--public-host', '2001:db8::7']))).toEqual(['/ip6/2001:db8::7/tcp/443/tls/ws'])
    // --announce says it all; nothing is derived beside it.
    expect(announcedAddrs(run(['--public-host', 'chat.example.org', '--announce', '/dns4/other.example/tcp/443/wss'])))
      .toEqual(['/dns4/other.example/tcp/443/wss'])
    expect(announcedAddrs(run([]))).toEqual([])
  })

  it.each([
    [['--tls-cert', 'c.pem'], /--tls-cert and --tls-key go together/],
    [['--tls-key', 'k.pem'], /--tls-cert and --tls-key go together/],
    [['--public-host', 'https://chat.example.org'], /--public-host must be a host name/],
    [['--public-host', 'chat.example.org:443'], /--public-host must be a host name/],
    [['--public-port', '443'], /--public-port needs --public-host/],
    [['--public-host', 'a.example', '--tls-cert', 'c', '--tls-key', 'k', '--port', '0'], /cannot announce a port/],
    [['--stun', 'stun.l.example.com:19302'], /"stun.l.example.com:19302" is not one/],
    [['--turn', 'stun:turn.example.org'], /--turn must be comma-separated URLs/],
    [['--turn', 'turn:turn.example.org'], /--turn needs --turn-secret/],
    [['--turn-secret', 'x'], /no --turn URL/],
    [['--ice-transport-policy', 'relay'], /needs a --turn server/],
    [['--ice-transport-policy', 'none'], /must be all or relay/],
    [['--turn-credential-ttl', '5'], /between 60 and 604800/]
  ])('refuses the public option set %j with a one-line sentence', (argv, message) => {
    expect(() => parseCommand(argv, {}, '/')).toThrow(ConfigError)
    expect(() => parseCommand(argv, {}, '/')).toThrow(message)
  })

  it('reads the other relays to join from --bootstrap or MURMUR_BOOTSTRAP', () => {
    const a = '/ip4/127.0.0.1/tcp/4001/ws/p2p/12D3KooWAhJgVzDFc7WYkvzW6G5aTZcBJnX9a5yQGu8SSpwsvWTm'
    const b = '/dns4/relay-b.example/tcp/443/wss/p2p/12D3KooWBzUkQ7kuHKkCqTjpNaaeV6TtfzS6vGHfQB6uHLf8EAQd'
    expect(run(['--bootstrap', `${a}, ${b}`]).bootstrap).toEqual([a, b])
    expect(run([], { MURMUR_BOOTSTRAP: a }).bootstrap).toEqual([a])
  })

  it.each([
    [['--bootstrap', '/ip4/127.0.0.1/tcp/4001/ws'], /must end in \/p2p\/<peer id>/],
    [['--bootstrap', 'relay-b:4001'], /"relay-b:4001" is not one/],
    [['--vapid-subject', 'http://relay.example'], /--vapid-subject must be a mailto: or https: URL/],
    [['--push-interval', '0'], /--push-interval must be between 1 and 86400/],
    [['--push-allow-private-endpoints', 'maybe'], /must be yes or no/],
    [['--bogus'], /Unknown option "--bogus"/],
    [['--port'], /--port needs a value/],
    [['--port', '--log'], /--port needs a value/],
    [['--port', '65536'], /--port must be between 0 and 65535/],
    [['--port', '80a'], /--port must be a whole number/],
    [['--max-reservations', '0'], /--max-reservations must be between 1/],
    [['--host', 'example.com'], /--host must be an IP address/],
    [['--log', 'loud'], /--log must be one of error, info, debug/],
    [['--announce', 'not-a-multiaddr'], /"not-a-multiaddr" is not one/],
    [['--mailbox-max-mib', '0'], /--mailbox-max-mib must be between 1/],
    [['--mailbox-max-records-per-source', '1.5'], /--mailbox-max-records-per-source must be a whole number/],
    [['--mailbox-max-records-per-writer', '2'], /Unknown option "--mailbox-max-records-per-writer"/],
    [['--dht-replication', '4'], /--dht-replication must be a whole number from 5 to 64/],
    [['--dht-replication', '65'], /--dht-replication must be a whole number from 5 to 64/]
  ])('refuses %j with a one-line sentence', (argv, message) => {
    expect(() => parseCommand(argv, {}, '/')).toThrow(ConfigError)
    expect(() => parseCommand(argv, {}, '/')).toThrow(message)
  })

  it('names the environment variable when its value is bad', () => {
    expect(() => parseCommand([], { MURMUR_WS_PORT: 'x' }, '/')).toThrow(/MURMUR_WS_PORT must be a whole number/)
  })

  it('answers --help before looking at the other arguments', () => {
    expect(parseCommand(['--bogus', '--help'], {}, '/')).toEqual({ kind: 'help' })
  })

  it('lists every flag with its environment variable and default in --help', () => {
    const text = helpText()
    for (const option of OPTIONS) {
      expect(text).toContain(option.flag)
      expect(text).toContain(option.env)
      if (option.fallback !== '') expect(text).toContain(`default ${option.fallback}`)
    }
  })
})
