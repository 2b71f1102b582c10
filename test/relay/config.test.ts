import { describe, expect, it } from 'vitest'
import { ConfigError, OPTIONS, helpText, parseCommand, type RelayConfig } from '../../relay/config.ts'

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
      maxReservations: 4096,
      maxReservationsPerIp: 1024,
      maxConnections: 8192,
      inboundConnectionsPerSecond: 100,
      log: 'info',
      push: {
        vapidSubject: 'mailto:postmaster@localhost',
        intervalSeconds: 30,
        maxSubscriptions: 100_000,
        allowPrivateEndpoints: false
      }
    })
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
    const config = run(['--vapid-subject', 'https://relay.example/contact', '--push-interval', '5', '--push-allow-private-endpoints', 'yes'],
      { MURMUR_PUSH_MAX_SUBSCRIPTIONS: '10' })
    expect(config.push).toEqual({ vapidSubject: 'https://relay.example/contact', intervalSeconds: 5, maxSubscriptions: 10, allowPrivateEndpoints: true })
  })

  it.each([
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
    [['--announce', 'not-a-multiaddr'], /"not-a-multiaddr" is not one/]
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
