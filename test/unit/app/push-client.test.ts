import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPushClient, loadPushRegistration, pokePushToken, PushGatewayError, PushUnavailableError, renewPushRegistration } from '../../../src/app/push/push-client.ts'
import { createMemoryMessengerStore } from '../../../src/store/memory-messenger-store.ts'

// The browser's Push API is faked here: a real pushManager.subscribe() needs the browser
// vendor's push service, which headless Chromium cannot reach (see ../shared/TESTING.md).
// The gateway's side runs for real in test/relay/push-gateway.test.ts.
const VAPID_KEY = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]).toString('base64url')
const ENDPOINT = 'https://push.example/sub/1'

function fakeServiceWorker (subscribe: () => Promise<unknown>) {
  const subscription = {
    endpoint: ENDPOINT,
    options: { applicationServerKey: Buffer.from(VAPID_KEY, 'base64url').buffer },
    toJSON: () => ({ endpoint: ENDPOINT, keys: { p256dh: 'p', auth: 'a' } }),
    unsubscribe: vi.fn(async () => true)
  }
  let current: typeof subscription | null = null
  return {
    subscription,
    registration: {
      pushManager: {
        getSubscription: async () => current,
        subscribe: vi.fn(async () => { await subscribe(); current = subscription; return subscription })
      }
    } as unknown as ServiceWorkerRegistration
  }
}

function fakeGateway () {
  const requests: Array<{ url: string, body: any }> = []
  let next = 0
  const fetch = vi.fn(async (url: string, init: RequestInit) => {
    const body = JSON.parse(init.body as string)
    requests.push({ url, body })
    if (url.endsWith('/push/register')) {
      next++
      return new Response(JSON.stringify({ token: `token-${next}`, revokeSecret: `secret-${next}` }), { status: 201 })
    }
    return new Response(JSON.stringify({ revoked: true }), { status: 200 })
  })
  return { requests, fetch: fetch as unknown as typeof globalThis.fetch }
}

describe('push client', () => {
  beforeEach(() => {
    vi.stubGlobal('Notification', class {})
    vi.stubGlobal('PushManager', class {})
  })
  afterEach(() => { vi.unstubAllGlobals() })

  it('subscribes with the relay key, registers, stores the token, and revokes the one it replaces', async () => {
    const store = createMemoryMessengerStore()
    const sw = fakeServiceWorker(async () => {})
    const gateway = fakeGateway()
    const client = createPushClient({
      store, vapidPublicKey: VAPID_KEY, gatewayOrigin: 'https://relay.example',
      serviceWorker: async () => sw.registration, requestPermission: async () => 'granted', fetch: gateway.fetch, now: () => 42
    })
    expect(await client.currentPushToken()).toBeUndefined()
    expect(await client.enableNotifications()).toEqual({ token: 'token-1' })
    expect(await loadPushRegistration(store)).toEqual({ gatewayOrigin: 'https://relay.example', token: 'token-1', revokeSecret: 'secret-1', endpoint: ENDPOINT, createdAt: 42 })
    expect(gateway.requests[0]).toEqual({ url: 'https://relay.example/push/register', body: { subscription: sw.subscription.toJSON() } })

    expect(await client.enableNotifications()).toEqual({ token: 'token-2' })
    expect(await client.currentPushToken()).toBe('token-2')
    expect(gateway.requests.at(-1)).toEqual({ url: 'https://relay.example/push/revoke', body: { token: 'token-1', revokeSecret: 'secret-1' } })

    await client.disableNotifications()
    expect(await client.currentPushToken()).toBeUndefined()
    expect(sw.subscription.unsubscribe).toHaveBeenCalled()
  })

  it('stops with a sentence, and stores nothing, when permission is refused', async () => {
    const store = createMemoryMessengerStore()
    const sw = fakeServiceWorker(async () => {})
    const client = createPushClient({
      store, vapidPublicKey: VAPID_KEY, gatewayOrigin: 'https://relay.example',
      serviceWorker: async () => sw.registration, requestPermission: async () => 'denied', fetch: fakeGateway().fetch
    })
    await expect(client.enableNotifications()).rejects.toThrow(PushUnavailableError)
    await expect(client.enableNotifications()).rejects.toThrow(/blocked/)
    expect(sw.registration.pushManager.subscribe).not.toHaveBeenCalled()
    expect(await loadPushRegistration(store)).toBeUndefined()
  })

  it('gives up on a push service that never answers instead of hanging', async () => {
    const store = createMemoryMessengerStore()
    const sw = fakeServiceWorker(async () => new Promise(() => {}))
    const client = createPushClient({
      store, vapidPublicKey: VAPID_KEY, gatewayOrigin: 'https://relay.example', subscribeTimeoutMs: 20,
      serviceWorker: async () => sw.registration, requestPermission: async () => 'granted', fetch: fakeGateway().fetch
    })
    await expect(client.enableNotifications()).rejects.toThrow(/push service did not answer/)
    expect(await loadPushRegistration(store)).toBeUndefined()
  })

  it('says so when the relay runs no gateway', async () => {
    const client = createPushClient({
      store: createMemoryMessengerStore(), vapidPublicKey: undefined, gatewayOrigin: 'https://relay.example',
      serviceWorker: async () => undefined, requestPermission: async () => 'granted'
    })
    await expect(client.enableNotifications()).rejects.toThrow(/no push gateway/)
  })
})

describe('poking a token', () => {
  const answering = (status: number, body: unknown) =>
    (async () => new Response(JSON.stringify(body), { status })) as unknown as typeof fetch

  it('reports a push sent, or one sent recently', async () => {
    expect(await pokePushToken('https://relay.example', 't', { fetch: answering(200, { sent: true }) })).toBe('sent')
    expect(await pokePushToken('https://relay.example', 't', { fetch: answering(429, { error: 'soon' }) })).toBe('recently-sent')
  })

  it('throws the gateway status and its sentence otherwise', async () => {
    const refused = pokePushToken('https://relay.example', 't', { fetch: answering(404, { error: 'No push subscription has this token.' }) })
    await expect(refused).rejects.toThrow(PushGatewayError)
    await expect(pokePushToken('https://relay.example', 't', { fetch: answering(404, { error: 'No push subscription has this token.' }) }))
      .rejects.toMatchObject({ status: 404, message: /No push subscription has this token/ })
  })
})

describe('renewing the push registration', () => {
  const DAY = 24 * 60 * 60 * 1000
  const saved = { gatewayOrigin: 'https://relay.example', token: 't', revokeSecret: 's', endpoint: ENDPOINT, createdAt: 0 }

  async function withRegistration () {
    const store = createMemoryMessengerStore()
    await store.saveSetting('push-registration', saved)
    return store
  }

  it('tells the gateway at most once a day, and remembers when', async () => {
    const store = await withRegistration()
    const asked: string[] = []
    const fetch = (async (url: string) => { asked.push(url); return new Response('{"renewed":true}', { status: 200 }) }) as unknown as typeof globalThis.fetch
    expect(await renewPushRegistration(store, { fetch, now: () => DAY / 2 })).toBe('not-due')
    expect(await renewPushRegistration(store, { fetch, now: () => DAY + 1 })).toBe('renewed')
    expect(await renewPushRegistration(store, { fetch, now: () => DAY + 2 })).toBe('not-due')
    expect(asked).toEqual(['https://relay.example/push/renew'])
    expect((await loadPushRegistration(store))?.renewedAt).toBe(DAY + 1)
  })

  it('drops a registration the gateway has forgotten, and throws on other refusals', async () => {
    const gone = await withRegistration()
    const answer = (status: number) => (async () => new Response('{"error":"x"}', { status })) as unknown as typeof globalThis.fetch
    expect(await renewPushRegistration(gone, { fetch: answer(404), now: () => 2 * DAY })).toBe('forgotten')
    expect(await loadPushRegistration(gone)).toBeUndefined()
    expect(await renewPushRegistration(gone, { fetch: answer(404) })).toBe('none')
    const refused = await withRegistration()
    await expect(renewPushRegistration(refused, { fetch: answer(403), now: () => 2 * DAY })).rejects.toBeInstanceOf(PushGatewayError)
    expect(await loadPushRegistration(refused)).toMatchObject({ token: 't' })
  })
})
