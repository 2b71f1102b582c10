import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { startRelay, type RunningRelay } from '../harness/relay.ts'
import { openPersonBrowser, type PersonBrowser } from '../harness/browser.ts'
import { acceptRequest, addContact, createProfile, inviteLink, openConversation, sendMessage, waitForMessage, waitUntil } from '../harness/person.ts'
import { registrationId, waitForController } from '../harness/service-worker.ts'
import { pageEvents } from '../harness/events.ts'
import {
  createTestSubscriber, decryptPushBody, startPushReceiver, verifyVapidHeader, type PushReceiver, type TestSubscriber
} from '../harness/web-push-receiver.ts'

/**
 * Content-free push from one person to another, for real: Chromium, the relay and its push
 * gateway, the app's service worker, sessions and DHT mailboxes. Two parts stand in for
 * the browser vendor's push service, out of reach of a test confined to loopback:
 * - Bob's `pushManager.subscribe()` never settles in headless Chromium, so an init script
 *   answers it with a subscription whose endpoint is a local https receiver holding its
 *   keys (test/harness/web-push-receiver.ts). Everything after it is the app's own:
 *   the click, registering with the gateway, the token in the profile, the session.
 * - The receiver decrypts what the gateway sends (RFC 8291) and checks its VAPID header,
 *   as a push service would; delivering to Bob's service worker is then done through
 *   DevTools (ServiceWorker.deliverPushMessage), as the push service would.
 */

let relay: RunningRelay
let receiver: PushReceiver
let subscriber: TestSubscriber
let bob: PersonBrowser
let ann: PersonBrowser
const BOB_ENDPOINT_PATH = '/push/bob'

/**
 * Runs in Bob's pages: a subscription on the local receiver instead of the vendor's push
 * service. It records the application server key the app subscribed with.
 */
function standInPushService ({ endpoint, p256dh, auth }: { endpoint: string, p256dh: string, auth: string }): void {
  const fromBase64url = (text: string): Uint8Array => Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))
  const toBase64url = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
  let current: unknown = null
  PushManager.prototype.getSubscription = async function () { return current as PushSubscription | null }
  PushManager.prototype.subscribe = async function (options?: PushSubscriptionOptionsInit) {
    const key = new Uint8Array(options!.applicationServerKey as ArrayBuffer)
    ;(window as any).__subscribedWithKey = toBase64url(key)
    current = {
      endpoint,
      expirationTime: null,
      options: { userVisibleOnly: true, applicationServerKey: key.buffer },
      getKey: (name: string) => fromBase64url(name === 'p256dh' ? p256dh : auth).buffer,
      toJSON: () => ({ endpoint, expirationTime: null, keys: { p256dh, auth } }),
      unsubscribe: async () => { current = null; return true }
    }
    return current as PushSubscription
  }
}

const pushesToBob = (): Buffer[] => receiver.received.filter((r) => r.path === BOB_ENDPOINT_PATH).map((r) => r.body)

async function metric (name: string): Promise<number> {
  const text = await (await fetch(`${relay.url}/metrics`)).text()
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1])
}


async function enableNotifications (page: Page): Promise<void> {
  await page.getByText('Settings', { exact: true }).click()
  await page.getByRole('button', { name: 'Enable notifications' }).click()
  const region = page.getByRole('region', { name: 'Notifications' })
  await region.getByRole('button', { name: 'Turn off notifications' }).or(region.getByRole('alert')).waitFor({ timeout: 30_000 })
  const alert = region.getByRole('alert')
  if (await alert.count() > 0) throw new Error(`Enabling notifications failed: ${await alert.textContent()}`)
  await page.getByText('Settings', { exact: true }).click()
}

beforeAll(async () => {
  receiver = await startPushReceiver()
  // The receiver is on 127.0.0.1: the gateway refuses private endpoints unless told, and
  // trusts the receiver's self-signed certificate through NODE_EXTRA_CA_CERTS (relay only).
  relay = await startRelay({
    args: ['--push-allow-private-endpoints', 'yes', '--push-interval', '1'],
    env: { NODE_EXTRA_CA_CERTS: receiver.certificatePath }
  })
  subscriber = createTestSubscriber()
  bob = await openPersonBrowser(relay.url, undefined, { permissions: ['notifications'] })
  const { endpoint, keys } = subscriber.json(`${receiver.origin}${BOB_ENDPOINT_PATH}`)
  await bob.context.addInitScript(standInPushService, { endpoint, ...keys })
  ann = await openPersonBrowser(relay.url)
})

afterAll(async () => {
  await ann?.dispose()
  await bob?.dispose()
  await relay?.stop()
  await receiver?.close()
})

describe('content-free push between contacts', { timeout: 240_000 }, () => {
  it('Bob\'s token reaches Ann in the session; mail she leaves while he is away wakes him with an empty push; a push in his open tab drains his mailboxes', async () => {
    await bob.page.reload()
    await createProfile(bob.page, 'Bob')
    await waitForController(bob.page)
    await createProfile(ann.page, 'Ann')
    await addContact(ann.page, await inviteLink(bob.page))
    await openConversation(ann.page, 'Bob')
    await sendMessage(ann.page, 'hello Bob')
    await acceptRequest(bob.page, 'Ann')
    await openConversation(bob.page, 'Ann')
    await waitForMessage(bob.page, 'hello Bob')

    // Bob turns notifications on: the app subscribes with the relay's VAPID key, registers
    // with the gateway, and hands the token to Ann inside their session.
    await enableNotifications(bob.page)
    const vapidPublicKey = (await (await fetch(`${relay.url}/murmur-config.json`)).json()).vapidPublicKey as string
    expect(await bob.page.evaluate(() => (window as any).__subscribedWithKey)).toBe(vapidPublicKey)
    expect(await metric('murmur_push_subscriptions')).toBe(1)
    await waitUntil(async () => (await pageEvents(ann.page, 'push:note-stored')).length > 0, 'Bob\'s push token stored at Ann', 60_000)

    // Bob goes away (his tab closes; the browser and its service worker stay). Ann writes:
    // the message waits in his mailbox, and her tab pokes his gateway with his token.
    await bob.page.close()
    const sentBefore = await metric('murmur_push_sent_total')
    await sendMessage(ann.page, 'while you were away')
    await waitUntil(async () => pushesToBob().length > 0, 'a push at Bob\'s push service', 90_000)
    const [request] = receiver.received.filter((r) => r.path === BOB_ENDPOINT_PATH)
    // No content: the push decrypts with Bob's subscription keys to zero bytes.
    expect(decryptPushBody(subscriber, request!.body)).toEqual(Buffer.alloc(0))
    expect(verifyVapidHeader(request!.headers.authorization as string, vapidPublicKey).aud).toBe(receiver.origin)
    expect(await metric('murmur_push_sent_total')).toBe(sentBefore + 1)
    // The message reached his mailbox before the poke went out.
    const state = ann.page.getByRole('log', { name: 'Messages' }).locator('li.out').last().getByRole('img')
    expect(await state.getAttribute('aria-label')).toMatch(/stored|delivered|read/)

    // A click on the notification opens the app (pwa.test.ts checks the worker's click
    // handler); the app connects and drains its mailboxes.
    await ann.page.close()
    ann.page = await ann.context.newPage()
    // From here Ann's browser has no microphone permission, which Chromium needs to offer
    // loopback ICE candidates: Ann and Bob cannot link directly, so whatever she writes
    // goes to his mailbox even while his tab is open.
    await ann.context.clearPermissions()
    bob.page = await bob.context.newPage()
    await bob.page.goto(relay.url)
    await openConversation(bob.page, 'Ann')
    await waitForMessage(bob.page, 'while you were away', 90_000)

    await ann.page.goto(relay.url)
    await openConversation(ann.page, 'Bob')
    const cdp = await bob.context.newCDPSession(bob.page)
    const id = await registrationId(cdp, relay.url)
    const text = 'written while your tab was open'
    const pushes = pushesToBob().length
    await sendMessage(ann.page, text)
    await waitUntil(async () => pushesToBob().length > pushes, 'the second push at Bob\'s push service', 90_000)
    expect(decryptPushBody(subscriber, receiver.received.filter((r) => r.path === BOB_ENDPOINT_PATH).at(-1)!.body)).toEqual(Buffer.alloc(0))
    // What the push service would do next: hand the (empty) push to Bob's service worker,
    // which tells his open tab; the tab (the profile's leader) reads its mailboxes at once.
    // It also reads them every 30 s by itself and may have begun a read already: what is
    // checked is that the push started a read of its own, which found the mailbox written.
    const before = await bob.page.evaluate(() => performance.now())
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: relay.url, registrationId: id, data: '' })
    await waitUntil(async () => (await pageEvents(bob.page, 'push:drained')).some((e) => e.at > before), 'a mailbox read started by the push', 60_000)
      .catch(async (err: Error) => {
        throw new Error(`${err.message}; push received in the page: ${JSON.stringify((await pageEvents(bob.page, 'push:received')).filter((e) => e.at > before))}`)
      })
    const [received] = (await pageEvents(bob.page, 'push:received')).filter((e) => e.at > before)
    expect(received).toBeDefined()
    const [drained] = (await pageEvents(bob.page, 'push:drained')).filter((e) => e.at > before)
    expect(drained!.detail).toMatchObject({ complete: true })
    await waitForMessage(bob.page, text)
    await cdp.detach()
  })
})
