import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startRelayProcess, type RelayProcess } from '../harness/relay-process.ts'
import { createTestSubscriber, decryptPushBody, startPushReceiver, verifyVapidHeader, type PushReceiver } from '../harness/web-push-receiver.ts'
import { parseRegisterRequest, PushRequestError } from '../../relay/push/push-requests.ts'

// The real push services (FCM, Mozilla, Apple) are unreachable here: the subscription's
// endpoint is a local https receiver that decrypts and checks what the real relay sends.
const SUBJECT = 'mailto:operator@relay.test'

describe('push gateway of the real relay', () => {
  let root: string
  let receiver: PushReceiver
  let relay: RelayProcess | undefined

  const start = async (): Promise<RelayProcess> => startRelayProcess(
    ['--data', join(root, 'data'), '--app', join(root, 'app'), '--vapid-subject', SUBJECT,
      '--push-interval', '3600', '--push-allow-private-endpoints', 'yes'],
    undefined, { NODE_EXTRA_CA_CERTS: receiver.certificatePath })

  const post = async (path: string, body: unknown, type = 'application/json'): Promise<{ status: number, json: any, headers: Headers }> => {
    const response = await fetch(new URL(path, relay!.url), {
      method: 'POST', headers: { 'Content-Type': type }, body: typeof body === 'string' ? body : JSON.stringify(body)
    })
    return { status: response.status, json: await response.json().catch(() => undefined), headers: response.headers }
  }

  const metric = async (name: string): Promise<number> => {
    const text = await (await fetch(new URL('/metrics', relay!.url))).text()
    const value = new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]
    if (value == null) throw new Error(`no ${name} in /metrics`)
    return Number(value)
  }

  const vapidPublicKey = async (): Promise<string> =>
    (await (await fetch(new URL('/murmur-config.json', relay!.url))).json()).vapidPublicKey

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'murmur-push-gateway-'))
    receiver = await startPushReceiver()
    relay = await start()
  })

  afterAll(async () => {
    await relay?.stop()
    await receiver?.close()
    await rm(root, { recursive: true, force: true })
  })

  it('hands out its VAPID public key in /murmur-config.json', async () => {
    const key = await vapidPublicKey()
    expect(Buffer.from(key, 'base64url')).toHaveLength(65)
    expect(Buffer.from(key, 'base64url')[0]).toBe(4)
  })

  it('sends an empty, RFC 8291-encrypted, VAPID-signed push for a token, and keeps tokens across a restart', async () => {
    const subscriber = createTestSubscriber()
    const registered = await post('/push/register', { subscription: subscriber.json(`${receiver.origin}/push/one`) })
    expect(registered.status).toBe(201)
    expect(registered.json.token).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(registered.json.revokeSecret).toMatch(/^[A-Za-z0-9_-]{43}$/)
    // The relay's disk keeps a hash of the token, never the token.
    expect(relay!.output()).not.toContain(registered.json.token)

    const key = await vapidPublicKey()
    await relay!.stop()
    relay = await start()
    expect(await vapidPublicKey()).toBe(key)

    const before = Date.now()
    const poked = await post('/push/poke', { token: registered.json.token })
    expect(poked.status).toBe(200)
    const push = receiver.received.filter((r) => r.path === '/push/one')
    expect(push).toHaveLength(1)
    expect(push[0]!.headers['content-encoding']).toBe('aes128gcm')
    expect(Number(push[0]!.headers.ttl)).toBeGreaterThan(0)
    expect(decryptPushBody(subscriber, push[0]!.body)).toEqual(Buffer.alloc(0))

    const claims = verifyVapidHeader(push[0]!.headers.authorization as string, key)
    expect(claims.aud).toBe(receiver.origin)
    expect(claims.sub).toBe(SUBJECT)
    expect(claims.exp * 1000).toBeGreaterThan(before)
    // RFC 8292 section 2: no more than 24 hours ahead.
    expect(claims.exp * 1000).toBeLessThanOrEqual(Date.now() + 24 * 3600 * 1000)
    expect(await metric('murmur_push_sent_total')).toBe(1)
  })

  it('answers a second poke within the interval with 429 and sends nothing', async () => {
    const subscriber = createTestSubscriber()
    const { json: { token } } = await post('/push/register', { subscription: subscriber.json(`${receiver.origin}/push/limited`) })
    expect((await post('/push/poke', { token })).status).toBe(200)
    const again = await post('/push/poke', { token })
    expect(again.status).toBe(429)
    expect(again.json.error).toMatch(/poked less than 3600 s ago/)
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(receiver.received.filter((r) => r.path === '/push/limited')).toHaveLength(1)
    expect(await metric('murmur_push_rate_limited_total')).toBe(1)
  })

  it('refuses unknown tokens with 404', async () => {
    const poked = await post('/push/poke', { token: randomBytes(16).toString('base64url') })
    expect(poked.status).toBe(404)
    expect(poked.json.error).toMatch(/No push subscription has this token/)
  })

  it('renews only with the revoke secret the registration returned', async () => {
    const { json: { token, revokeSecret } } = await post('/push/register', { subscription: createTestSubscriber().json(`${receiver.origin}/push/renewed`) })
    expect((await post('/push/renew', { token, revokeSecret: randomBytes(32).toString('base64url') })).status).toBe(403)
    const renewed = await post('/push/renew', { token, revokeSecret })
    expect(renewed.status).toBe(200)
    expect(renewed.json).toEqual({ renewed: true })
    expect(renewed.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('revokes only with the revoke secret the registration returned', async () => {
    const subscriber = createTestSubscriber()
    const { json: { token, revokeSecret } } = await post('/push/register', { subscription: subscriber.json(`${receiver.origin}/push/revoked`) })
    const stranger = await post('/push/revoke', { token, revokeSecret: randomBytes(32).toString('base64url') })
    expect(stranger.status).toBe(403)
    expect(stranger.json.error).toMatch(/only the browser that registered it/)
    // Still there: a stranger's revoke changed nothing.
    expect((await post('/push/poke', { token })).status).toBe(200)

    expect((await post('/push/revoke', { token, revokeSecret })).status).toBe(200)
    expect((await post('/push/poke', { token })).status).toBe(404)
    expect((await post('/push/revoke', { token, revokeSecret })).status).toBe(404)
  })

  it('forgets a subscription the push service says is gone (410), and counts push errors', async () => {
    const errorsBefore = await metric('murmur_push_errors_total')
    receiver.answer('/push/gone', 410)
    receiver.answer('/push/broken', 500)
    const gone = await post('/push/register', { subscription: createTestSubscriber().json(`${receiver.origin}/push/gone`) })
    const broken = await post('/push/register', { subscription: createTestSubscriber().json(`${receiver.origin}/push/broken`) })
    expect((await post('/push/poke', { token: gone.json.token })).status).toBe(410)
    expect((await post('/push/revoke', gone.json)).status).toBe(404)
    const failed = await post('/push/poke', { token: broken.json.token })
    expect(failed.status).toBe(502)
    // What the push service answered stays in the relay's log, not in the answer.
    expect(failed.json.error).toMatch(/did not take the push/)
    expect(failed.json.error).not.toMatch(/500/)
    expect(relay!.output()).toMatch(/push not sent: a push service answered HTTP 500/)
    expect(await metric('murmur_push_errors_total')).toBe(errorsBefore + 2)
  })

  it.each([
    ['not JSON', '/push/register', '{"subscription":', 'application/json', 400, /not valid JSON/],
    ['form-encoded', '/push/register', 'subscription=x', 'application/x-www-form-urlencoded', 415, /application\/json/],
    ['oversized', '/push/register', JSON.stringify({ subscription: { endpoint: 'https://x/' + 'a'.repeat(5000) } }), 'application/json', 400, /larger than 4096 bytes/],
    ['an array', '/push/poke', '[]', 'application/json', 400, /must be a JSON object/],
    ['an http endpoint', '/push/register', JSON.stringify({ subscription: createTestSubscriber().json('http://127.0.0.1:1/push') }), 'application/json', 400, /https: URL/],
    ['a short auth secret', '/push/register', JSON.stringify({ subscription: { ...createTestSubscriber().json('https://127.0.0.1:1/p'), keys: { p256dh: createTestSubscriber().json('').keys.p256dh, auth: 'AAAA' } } }), 'application/json', 400, /auth must be 16 bytes/],
    ['a p256dh that is no curve point', '/push/register', JSON.stringify({ subscription: { endpoint: 'https://127.0.0.1:1/p', keys: { p256dh: Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 1)]).toString('base64url'), auth: randomBytes(16).toString('base64url') } } }), 'application/json', 400, /not a P-256 public key/],
    ['a malformed token', '/push/poke', JSON.stringify({ token: 'not a token' }), 'application/json', 400, /token must be 16 bytes/]
  ])('refuses %s with a clear error and no state change', async (_what, path, body, type, status, message) => {
    const subscriptions = await metric('murmur_push_subscriptions')
    const sent = receiver.received.length
    const answer = await post(path, body, type)
    expect(answer.status).toBe(status)
    expect(answer.json.error).toMatch(message)
    expect(await metric('murmur_push_subscriptions')).toBe(subscriptions)
    expect(receiver.received.length).toBe(sent)
  })

  it('answers cross-origin pokes (any origin, no credentials), and only pokes', async () => {
    const preflight = await fetch(new URL('/push/poke', relay!.url), {
      method: 'OPTIONS', headers: { Origin: 'https://other-relay.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' }
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*')
    expect(preflight.headers.get('access-control-allow-methods')).toBe('POST')
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toBe('content-type')
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull()
    // The sender's page reads the answer, 404 included.
    const poked = await post('/push/poke', { token: randomBytes(16).toString('base64url') })
    expect(poked.status).toBe(404)
    expect(poked.headers.get('access-control-allow-origin')).toBe('*')
    // Register and revoke stay same-origin: no CORS headers, and no preflight answered.
    const registered = await post('/push/register', { subscription: createTestSubscriber().json(`${receiver.origin}/push/cors`) })
    expect(registered.status).toBe(201)
    expect(registered.headers.get('access-control-allow-origin')).toBeNull()
    const registerPreflight = await fetch(new URL('/push/register', relay!.url), { method: 'OPTIONS' })
    expect(registerPreflight.status).toBe(405)
    expect(registerPreflight.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('takes POST only on the push paths', async () => {
    const response = await fetch(new URL('/push/poke', relay!.url))
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('POST')
  })
})

describe('push subscription checks', () => {
  it.each(['https://127.0.0.1/x', 'https://10.1.2.3/x', 'https://192.168.0.1/x', 'https://[::1]/x', 'https://localhost/x', 'https://[fd00::1]/x', 'https://169.254.169.254/latest'])(
    'refuses the private endpoint %s unless allowed', (endpoint) => {
      const body = { subscription: createTestSubscriber().json(endpoint) }
      expect(() => parseRegisterRequest(body, false)).toThrow(PushRequestError)
      expect(() => parseRegisterRequest(body, false)).toThrow(/points at a .+ address, not a public push service/)
      expect(parseRegisterRequest(body, true).endpoint).toBe(endpoint)
    })

  it('accepts a push service endpoint', () => {
    const body = { subscription: createTestSubscriber().json('https://fcm.googleapis.com/fcm/send/abc:def') }
    expect(parseRegisterRequest(body, false).endpoint).toBe('https://fcm.googleapis.com/fcm/send/abc:def')
  })
})
