import { describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { get } from 'node:https'
import { MemoryDatastore } from 'datastore-core'
import type { RequestOptions } from 'web-push'
import { createPushGateway, type PushGatewayInit } from '../../relay/push/push-gateway.ts'
import { parseRegisterRequest, PushRequestError } from '../../relay/push/push-requests.ts'
import { PinnedAgent, type Resolve } from '../../relay/push/endpoint-address.ts'
import { createTestSubscriber } from '../harness/web-push-receiver.ts'

// Issue 15 item 7: the push gateway POSTs to whatever endpoint a registration names. The
// old check read the URL's text, so these reached the relay's own network: IPv4-mapped
// IPv6, a trailing-dot localhost, NAT64 forms, and any name that resolves to a private
// address. No test here asks real DNS: every name goes through the injected resolver.

const DAY = 24 * 60 * 60 * 1000
const VAPID = { publicKey: 'BGd8GXQ7OFtPCUvEzT7_3VxJRWWM0W2VzVJ9dNlZ0zF3dW4-2pNbXpzs0Dq1ZpQkYj9wgXcS3bPZ9VsV0uV1Y5A', privateKey: 'x' }
const PUBLIC_V4 = '93.184.216.34'

/** A resolver from a table; a name it does not know does not exist. */
const table = (entries: Record<string, string[]>): Resolve => async (name) => {
  const addresses = entries[name]
  if (addresses == null) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' })
  return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))
}

async function gateway (init: Partial<PushGatewayInit> = {}) {
  const sent: RequestOptions[] = []
  const g = await createPushGateway({
    datastore: new MemoryDatastore(),
    vapid: VAPID,
    subject: 'mailto:ops@relay.test',
    minIntervalMs: 0,
    maxSubscriptions: 1000,
    allowPrivateEndpoints: false,
    resolve: table({}),
    send: async (_s, _p, options) => { sent.push(options); return { statusCode: 201, body: '', headers: {} } },
    ...init
  })
  return { g, sent }
}

/** What POST /push/register does with a body: the same two steps. */
async function register (g: Awaited<ReturnType<typeof gateway>>['g'], endpoint: string, client = '198.51.100.1'): Promise<{ token: string, revokeSecret: string }> {
  return g.register(parseRegisterRequest({ subscription: createTestSubscriber().json(endpoint) }, g.allowPrivateEndpoints), client)
}

async function status (promise: Promise<unknown>): Promise<number | 'ok'> {
  try {
    await promise
    return 'ok'
  } catch (err) {
    if (err instanceof PushRequestError) return err.status
    throw err
  }
}

describe('push endpoints the gateway refuses', () => {
  const resolve = table({
    'internal.example': ['10.0.0.5'],
    'metadata.example': ['169.254.169.254'],
    'mixed.example': [PUBLIC_V4, '127.0.0.1'],
    'v6-private.example': ['2606:2800:220:1:248:1893:25c8:1946', 'fd00::7'],
    'push.example': [PUBLIC_V4, '2606:2800:220:1:248:1893:25c8:1946']
  })

  it.each([
    'https://[::ffff:127.0.0.1]/p', 'https://[::ffff:169.254.169.254]/latest/meta-data', 'https://[::ffff:7f00:1]/p',
    'https://localhost./p', 'https://LOCALHOST/p', 'https://relay.localhost./p',
    'https://[64:ff9b::a9fe:a9fe]/latest', 'https://[64:ff9b::7f00:1]/p', 'https://[64:ff9b:1::a00:1]/p',
    'https://127.1/p', 'https://0.0.0.0/p', 'https://[::]/p', 'https://100.64.0.1/p', 'https://224.0.0.251/p',
    'https://192.0.2.1/p', 'https://[2001:db8::1]/p', 'https://[fe80::1]/p', 'https://[fd12:3456::1]/p', 'https://[ff02::1]/p',
    'https://[2002:c0a8:101::1]/p', 'https://[2001::1]/p',
    'https://internal.example/p', 'https://metadata.example/p', 'https://mixed.example/p', 'https://v6-private.example/p',
    'https://unknown.example/p'
  ])('refuses %s with 400 and stores nothing', async (endpoint) => {
    const { g } = await gateway({ resolve })
    expect(await status(register(g, endpoint))).toBe(400)
    expect(g.counters().subscriptions).toBe(0)
  })

  it.each(['https://push.example/send/abc', 'https://push.example./send/abc', `https://${PUBLIC_V4}/p`, 'https://[64:ff9b::5db8:d822]/p'])(
    'accepts the public endpoint %s', async (endpoint) => {
      const { g } = await gateway({ resolve })
      expect(await status(register(g, endpoint))).toBe('ok')
    })

  it('keeps --push-allow-private-endpoints working for a local receiver', async () => {
    const { g } = await gateway({ allowPrivateEndpoints: true })
    expect(await status(register(g, 'https://127.0.0.1:4433/push'))).toBe('ok')
  })
})

describe('sending a push', () => {
  it('checks the address again at every push, and a name that now points inside is not dialled', async () => {
    let answer = [PUBLIC_V4]
    const { g, sent } = await gateway({ resolve: async () => answer.map((address) => ({ address, family: 4 })) })
    const { token } = await register(g, 'https://rebind.example/p')
    answer = ['127.0.0.1']
    expect(await status(g.poke(token))).toBe(502)
    expect(sent).toHaveLength(0)
  })

  it('connects to the address it checked, whatever the name resolves to by then', async () => {
    const { g, sent } = await gateway({ resolve: table({ 'push.example': [PUBLIC_V4] }) })
    const { token } = await register(g, 'https://push.example/p')
    await g.poke(token)
    expect(sent[0]!.agent).toBeInstanceOf(PinnedAgent)
  })

  it('does not tell the poker what the push service answered', async () => {
    const errors: string[] = []
    const { g } = await gateway({
      resolve: table({ 'push.example': [PUBLIC_V4] }),
      send: async () => { throw Object.assign(new Error('Received unexpected response code'), { statusCode: 500 }) },
      onSendError: (m) => errors.push(m)
    })
    const { token } = await register(g, 'https://push.example/p')
    const refusal = await g.poke(token).catch((err: PushRequestError) => err)
    expect(refusal).toMatchObject({ status: 502 })
    expect((refusal as Error).message).not.toMatch(/500|HTTP/)
    expect(errors).toEqual(['a push service answered HTTP 500'])
  })

  it('pins the connection to the checked address: the name is never looked up again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'murmur-pin-'))
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'k.pem'),
      '-out', join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=push.invalid', '-addext', 'subjectAltName=DNS:push.invalid'], { stdio: 'ignore' })
    const cert = readFileSync(join(dir, 'c.pem'))
    const server = createServer({ cert, key: readFileSync(join(dir, 'k.pem')) }, (req, res) => { res.end(`host ${req.headers.host}`) })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const port = (server.address() as AddressInfo).port
      // push.invalid cannot resolve (RFC 6761); the agent never asks, and TLS checks the name.
      const body = await new Promise<string>((resolve, reject) => {
        get({ hostname: 'push.invalid', port, path: '/', ca: cert, agent: new PinnedAgent({ address: '127.0.0.1', servername: 'push.invalid' }) }, (res) => {
          let text = ''
          res.on('data', (c) => { text += String(c) })
          res.on('end', () => { resolve(text) })
        }).on('error', reject)
      })
      expect(body).toBe(`host push.invalid:${port}`)
    } finally {
      server.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('registrations over time', () => {
  it('takes at most --push-registrations-per-ip an hour from one address', async () => {
    let now = 1_000_000
    const { g } = await gateway({ allowPrivateEndpoints: true, registrationsPerIpPerHour: 3, now: () => now })
    const from = async (client: string): Promise<number | 'ok'> => status(register(g, 'https://127.0.0.1:1/p', client))
    expect([await from('203.0.113.9'), await from('203.0.113.9'), await from('::ffff:203.0.113.9'), await from('203.0.113.9')]).toEqual(['ok', 'ok', 'ok', 429])
    expect(await from('203.0.113.10')).toBe('ok')
    expect(g.counters().registrationsRefused).toBe(1)
    now += 60 * 60 * 1000
    expect(await from('203.0.113.9')).toBe('ok')
  })

  it('forgets registrations nobody poked or renewed for --push-expire-days', async () => {
    let now = 10 * DAY
    const { g } = await gateway({ allowPrivateEndpoints: true, expireAfterMs: 60 * DAY, now: () => now })
    const idle = await register(g, 'https://127.0.0.1:1/idle')
    const renewed = await register(g, 'https://127.0.0.1:1/renewed')
    const poked = await register(g, 'https://127.0.0.1:1/poked')
    now += 30 * DAY
    await g.renew(renewed.token, renewed.revokeSecret)
    await g.poke(poked.token)
    now += 31 * DAY
    expect(await g.sweep()).toBe(1)
    expect(await status(g.poke(idle.token))).toBe(404)
    expect(await status(g.poke(renewed.token))).toBe('ok')
    expect(g.counters()).toMatchObject({ subscriptions: 2, expired: 1 })
    expect(await status(g.renew(renewed.token, Buffer.alloc(32).toString('base64url')))).toBe(403)
  })
})
