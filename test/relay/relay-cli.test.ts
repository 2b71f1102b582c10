import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { OPTIONS } from '../../relay/config.ts'
import { BIN, START, runRelay, startRelayProcess } from '../harness/relay-process.ts'

describe('relay command line', () => {
  let root: string

  beforeAll(async () => { root = await mkdtemp(join(tmpdir(), 'murmur-relay-cli-')) })
  afterAll(async () => { await rm(root, { recursive: true, force: true }) })

  it('lists every flag and environment variable in --help, and exits 0', async () => {
    const run = await runRelay(['--help'])
    expect(run.code).toBe(0)
    for (const option of OPTIONS) {
      expect(run.stdout).toContain(option.flag)
      expect(run.stdout).toContain(option.env)
    }
    for (const flag of ['--host', '--port', '--ws-port', '--data', '--app', '--max-reservations', '--log']) {
      expect(run.stdout).toContain(flag)
    }
  })

  it('exits 2 with one clear line on an unknown flag', async () => {
    const run = await runRelay(['--prot', '8080'])
    expect(run.code).toBe(2)
    expect(run.stderr.trim().split('\n')).toEqual(['murmur relay: Unknown option "--prot". Run with --help to see the options.'])
  })

  it('exits 2 on a bad value, from a flag or the environment', async () => {
    const flag = await runRelay(['--port', 'eighty'])
    expect(flag.code).toBe(2)
    expect(flag.stderr).toContain('--port must be a whole number')
    const env = await runRelay([], { MURMUR_MAX_RESERVATIONS: '-1' })
    expect(env.code).toBe(2)
    expect(env.stderr).toContain('MURMUR_MAX_RESERVATIONS')
  })

  it('runs alone from its bin entry with no app: app routes say why, the rest works; keeps its key private, holds its data directory, and stops cleanly on SIGTERM', async () => {
    const data = join(root, 'data')
    const relay = await startRelayProcess(['--data', data, '--app', join(root, 'no-app')], BIN)
    try {
      for (const path of ['/', '/chat/someone']) {
        const response = await fetch(new URL(path, relay.url))
        expect(response.status).toBe(404)
        const text = await response.text()
        expect(text).toContain('serves no app')
        expect(text).toContain('npm run build')
        expect(text).not.toContain(root)
      }
      expect((await (await fetch(new URL('/murmur-config.json', relay.url))).json()).relays).toEqual([relay.relayAddr])
      expect((await fetch(new URL('/health', relay.url))).status).toBe(200)
      expect((await stat(join(data, 'peer-key'))).mode & 0o777).toBe(0o600)
      const second = await runRelay(['--port', '0', '--data', data])
      expect(second.code).toBe(1)
      expect(second.stderr).toContain('Is another relay using this --data directory?')
    } finally {
      expect(await relay.stop()).toBe(0)
    }
    expect(relay.output()).toContain('SIGTERM: shutting down')
    // A relay on loopback has a push contact good enough for local use: no warning.
    expect(relay.output()).not.toContain('vapid')
  })

  it('hands out the --announce addresses instead of the listening ones', async () => {
    const relay = await startRelayProcess(['--data', join(root, 'announce'), '--app', root,
      '--announce', '/dns4/relay.example/tcp/443/wss'])
    try {
      const { peerId } = await (await fetch(new URL('/health', relay.url))).json()
      const config = await (await fetch(new URL('/murmur-config.json', relay.url))).json()
      expect(config.relays).toEqual([`/dns4/relay.example/tcp/443/wss/p2p/${peerId}`])
    } finally {
      await relay.stop()
    }
  })

  it('announces a wss address on --public-host, on 443 where a TLS proxy listens', async () => {
    const relay = await startRelayProcess(['--data', join(root, 'public'), '--app', root, '--public-host', 'chat.example.org'])
    try {
      const { peerId } = await (await fetch(new URL('/health', relay.url))).json()
      const config = await (await fetch(new URL('/murmur-config.json', relay.url))).json()
      expect(config.relays).toEqual([`/dns4/chat.example.org/tcp/443/tls/ws/p2p/${peerId}`])
      expect(relay.output()).toContain(`Relay address: /dns4/chat.example.org/tcp/443/tls/ws/p2p/${peerId}`)
    } finally {
      await relay.stop()
    }
    // Announced to the world without a push contact: the operator hears it, once.
    expect(relay.output().match(/no --vapid-subject/g)).toHaveLength(1)
  })

  it('npm start refuses a bad flag before building anything', async () => {
    const run = await runRelay(['--prot', '1'], {}, START)
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('Unknown option "--prot"')
    expect(run.stderr).not.toContain('building')
  })

  it('npm start serves another app directory as it is, and passes Ctrl-C on for a clean stop', async () => {
    const relay = await startRelayProcess(['--data', join(root, 'start'), '--app', join(root, 'no-app')], START)
    expect((await fetch(new URL('/health', relay.url))).status).toBe(200)
    expect(await relay.stop('SIGINT')).toBe(0)
    expect(relay.output()).not.toContain('building the app')
    expect(relay.output()).not.toContain('vapid')
    expect(relay.output()).toContain('SIGINT: shutting down')
    expect(relay.output()).toContain('stopped')
  })
})
