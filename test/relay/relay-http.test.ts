import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startRelayProcess, type RelayProcess } from '../harness/relay-process.ts'

/** A raw GET: fetch() would normalise `..` away before the relay ever saw it. */
async function rawGet (url: string, path: string): Promise<{ status: number, body: string }> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    request({ hostname, port, path, method: 'GET' }, (res) => {
      let body = ''
      res.on('data', (chunk) => { body += String(chunk) })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, body }) })
    }).on('error', reject).end()
  })
}

/** Prometheus text format 0.0.4, as far as the relay uses it: name -> value, HELP and TYPE first. */
function parsePrometheus (text: string): Map<string, number> {
  const samples = new Map<string, number>()
  const described = new Set<string>()
  const typed = new Set<string>()
  for (const line of text.split('\n')) {
    if (line === '') continue
    const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line)
    if (comment != null) {
      if (comment[1] === 'HELP') described.add(comment[2]!)
      else if (/^(gauge|counter)$/.test(comment[3]!)) typed.add(comment[2]!)
      continue
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-z_]+="[^"]*"\})? (-?[0-9.e+]+)$/.exec(line)
    if (sample == null) throw new Error(`not a Prometheus line: ${line}`)
    const name = sample[1]!
    if (!described.has(name) || !typed.has(name)) throw new Error(`${name} has no HELP or TYPE line before it`)
    samples.set(`${name}${sample[2] ?? ''}`, Number(sample[3]))
  }
  return samples
}

describe('relay over HTTP', () => {
  let root: string
  let relay: RelayProcess | undefined

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'murmur-relay-http-'))
    const app = join(root, 'app')
    await mkdir(join(app, 'assets'), { recursive: true })
    await writeFile(join(app, 'index.html'), '<!doctype html><title>Murmur test app</title>')
    await writeFile(join(app, 'assets', 'index-3f2a1b.js'), 'console.log("hashed")')
    await writeFile(join(app, 'sw.js'), 'self.addEventListener("push", () => {})')
    await writeFile(join(root, 'secret.txt'), 'outside the app directory')
    relay = await startRelayProcess(['--data', join(root, 'data'), '--app', app])
  })

  afterAll(async () => {
    await relay?.stop()
    await rm(root, { recursive: true, force: true })
  })

  it('prints the URL to open, on a line of its own', () => {
    expect(relay!.output()).toMatch(/^Murmur is running at http:\/\/127\.0\.0\.1:\d+\/$/m)
    expect(relay!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
  })

  it('answers /health with its peer id and counts', async () => {
    const response = await fetch(new URL('/health', relay!.url))
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    const health = await response.json()
    expect(health).toMatchObject({ status: 'ok', reservations: 0 })
    expect(relay!.relayAddr.endsWith(`/p2p/${health.peerId}`)).toBe(true)
    expect(health.uptimeSeconds).toBeGreaterThanOrEqual(0)
    expect(typeof health.connections).toBe('number')
  })

  it('answers /metrics in Prometheus text format', async () => {
    const response = await fetch(new URL('/metrics', relay!.url))
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const samples = parsePrometheus(await response.text())
    for (const name of ['murmur_relay_connections', 'murmur_relay_reservations', 'murmur_relay_dht_records',
      'murmur_relay_uptime_seconds', 'process_resident_memory_bytes']) {
      expect(samples.has(name), name).toBe(true)
    }
    expect(samples.get('process_resident_memory_bytes')).toBeGreaterThan(1024 * 1024)
  })

  it('hands the app its relay addresses and no third-party ICE server', async () => {
    const config = await (await fetch(new URL('/murmur-config.json', relay!.url))).json()
    expect(config.iceServers).toEqual([])
    expect(config.iceTransportPolicy).toBe('all')
    expect(config.dhtReplication).toBe(20)
    expect(config.relays).toContain(relay!.relayAddr)
    for (const addr of config.relays) expect(addr).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws\/p2p\/12D3KooW\w+$/)
  })

  it('serves index.html with revalidation and the security headers', async () => {
    const response = await fetch(relay!.url)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(response.headers.get('cache-control')).toBe('no-cache')
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('referrer-policy')).toBe('no-referrer')
    const csp = response.headers.get('content-security-policy') ?? ''
    for (const directive of ["script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'",
      "require-trusted-types-for 'script'", 'trusted-types svelte-trusted-html murmur-sw']) {
      expect(csp).toContain(directive)
    }
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/)
    expect(await response.text()).toContain('Murmur test app')
  })

  it('lets browsers keep hashed assets, but not the service worker', async () => {
    const asset = await fetch(new URL('/assets/index-3f2a1b.js', relay!.url))
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(asset.headers.get('cache-control')).toContain('immutable')
    expect(await asset.text()).toBe('console.log("hashed")')
    const worker = await fetch(new URL('/sw.js', relay!.url))
    expect(worker.headers.get('cache-control')).toBe('no-cache')
  })

  it('answers a revalidation with 304', async () => {
    const first = await fetch(relay!.url)
    const second = await fetch(relay!.url, { headers: { 'If-None-Match': first.headers.get('etag')! } })
    expect(second.status).toBe(304)
  })

  it('serves index.html for app routes, and 404 for missing files', async () => {
    for (const path of ['/chat/alice', '/settings/', '/assets']) {
      const response = await fetch(new URL(path, relay!.url))
      expect(response.status, path).toBe(200)
      expect(await response.text(), path).toContain('Murmur test app')
    }
    expect((await fetch(new URL('/assets/missing-123.js', relay!.url))).status).toBe(404)
  })

  it.each(['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/..%5csecret.txt'])(
    'refuses to leave the app directory: %s', async (path) => {
      const response = await rawGet(relay!.url, path)
      expect(response.status).toBe(400)
      expect(response.body).not.toContain('outside the app directory')
    })

  it('refuses methods other than GET and HEAD', async () => {
    expect((await fetch(relay!.url, { method: 'POST', body: 'x' })).status).toBe(405)
    const head = await fetch(relay!.url, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
  })
})
