import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appendFile, cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { startRelay, type RunningRelay } from '../harness/relay.ts'
import { openPersonBrowser, policyViolations, type PersonBrowser } from '../harness/browser.ts'
import { acceptRequest, addContact, createProfile, inviteLink, openConversation, sendMessage, waitForMessage, waitUntil } from '../harness/person.ts'
import { registrationId, waitForController } from '../harness/service-worker.ts'

// The relay serves a copy of the built app, so one test can publish a "new version" by
// changing its service worker file.
let appDir: string
let relay: RunningRelay
let ann: PersonBrowser

const SECRET_TEXT = 'the cellar key is under the third stone'

async function shownNotifications (page: Page): Promise<Array<{ title: string, body: string, tag: string }>> {
  return page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready
    return (await registration.getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag }))
  })
}

/**
 * Headless Chromium cannot click a notification, so this dispatches a synthetic
 * `notificationclick` with the real Notification inside the real service worker. A
 * synthetic event may not open or focus windows (the browser allows that only during a
 * real click), so WindowClient.focus and clients.openWindow are replaced by recorders for
 * this call: what is exercised is the worker's handler closing the notification and
 * choosing between focusing an open Murmur window and opening the app.
 */
async function clickNotification (context: BrowserContext): Promise<string[]> {
  const worker = context.serviceWorkers()[0]!
  return worker.evaluate(async () => {
    const scope = self as any
    const calls: string[] = []
    scope.WindowClient.prototype.focus = function (this: { url: string }) { calls.push(`focus ${this.url}`); return Promise.resolve(this) }
    scope.clients.openWindow = async (url: string) => { calls.push(`open ${url}`); return null }
    const [notification] = await scope.registration.getNotifications()
    if (notification == null) return ['no notification to click']
    // waitUntil throws for an untrusted event after the handler has started its work.
    try { scope.dispatchEvent(new scope.NotificationEvent('notificationclick', { notification })) } catch {}
    // Both the handler's work and the closing of the notification complete asynchronously.
    let left = -1
    for (let i = 0; i < 100; i++) {
      left = (await scope.registration.getNotifications()).length
      if (calls.length > 0 && left === 0) break
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    return [...calls, `notifications left ${left}`]
  })
}

beforeAll(async () => {
  appDir = await mkdtemp(join(tmpdir(), 'murmur-pwa-app-'))
  await cp('dist', appDir, { recursive: true })
  relay = await startRelay({ args: ['--app', appDir] })
  ann = await openPersonBrowser(relay.url, undefined, { permissions: ['notifications'] })
  // Counts permission requests, to check the app asks only when the person clicks.
  await ann.context.addInitScript(() => {
    const request = Notification.requestPermission.bind(Notification)
    ;(window as any).__permissionRequests = 0
    Notification.requestPermission = async (...args) => { (window as any).__permissionRequests++; return request(...args) }
  })
  await ann.page.reload()
  await createProfile(ann.page, 'Ann')
  await waitForController(ann.page)
})

afterAll(async () => {
  await ann?.dispose()
  await relay?.stop()
  await rm(appDir, { recursive: true, force: true })
})

describe('Murmur as an installed app', () => {
  it('is installable: Chromium reports no installability error', async () => {
    const cdp = await ann.context.newCDPSession(ann.page)
    const manifest = await cdp.send('Page.getAppManifest')
    expect(manifest.errors).toEqual([])
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors')
    expect(installabilityErrors).toEqual([])
    await cdp.detach()
  })

  it('shows a push as "New message" with no name and no text, collapses repeats, and a click brings the app forward', async () => {
    // Bob writes to Ann first, so her browser holds a contact name and a message text.
    const bob = await openPersonBrowser(relay.url)
    try {
      await createProfile(bob.page, 'Bob Pushkin')
      await addContact(bob.page, await inviteLink(ann.page))
      await openConversation(bob.page, 'Ann')
      await sendMessage(bob.page, SECRET_TEXT)
      await acceptRequest(ann.page, 'Bob Pushkin')
      await openConversation(ann.page, 'Bob Pushkin')
      await waitForMessage(ann.page, SECRET_TEXT)
    } finally {
      await bob.dispose()
    }

    const cdp = await ann.context.newCDPSession(ann.page)
    const id = await registrationId(cdp, relay.url)
    // Seen once in CI under load (2026-12-03): no notification within 30 s of one delivery,
    // cause not established. Each attempt delivers again (the tag folds repeats into one).
    let shownOne = false
    for (let attempt = 1; attempt <= 3 && !shownOne; attempt++) {
      await cdp.send('ServiceWorker.deliverPushMessage', { origin: relay.url, registrationId: id, data: '' })
      shownOne = await waitUntil(async () => (await shownNotifications(ann.page)).length > 0, 'a notification', 20_000).then(() => true, () => false)
    }
    expect(shownOne).toBe(true)
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: relay.url, registrationId: id, data: '' })
    // The tag makes the second push replace the first: still one notification.
    const shown = await shownNotifications(ann.page)
    expect(shown).toEqual([{ title: 'New message', body: 'Open Murmur to read it.', tag: 'murmur-new-message' }])
    for (const leak of ['Bob', 'Pushkin', 'cellar', 'stone']) expect(JSON.stringify(shown)).not.toContain(leak)

    // With Murmur open, a click focuses that window and opens no other.
    expect(await clickNotification(ann.context)).toEqual([`focus ${relay.url}/`, 'notifications left 0'])

    // With no Murmur window left, a click opens the app.
    await ann.page.goto('about:blank')
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: relay.url, registrationId: id, data: '' })
    await waitUntil(async () => (await ann.context.serviceWorkers()[0]!.evaluate(async () =>
      (await (self as any).registration.getNotifications()).length)) > 0, 'a notification with no window open')
    expect(await clickNotification(ann.context)).toEqual([`open ${relay.url}/`, 'notifications left 0'])
    await cdp.detach()
    await ann.page.goto(relay.url)
    await ann.page.getByLabel('Your ID').waitFor()
  })

  it('asks for notification permission only on the click, and says so when the push service cannot be reached', async () => {
    const page = ann.page
    const permissionRequests = async (): Promise<number> => page.evaluate(() => (window as any).__permissionRequests)
    expect(await permissionRequests()).toBe(0)
    await page.getByText('Settings', { exact: true }).click()
    await page.getByRole('button', { name: 'Enable notifications' }).click()
    // pushManager.subscribe() needs the browser vendor's push service, unreachable here:
    // the app gives up after its timeout and says why instead of hanging.
    const alert = page.getByRole('region', { name: 'Notifications' }).getByRole('alert')
    await alert.waitFor({ timeout: 30_000 })
    expect(await alert.textContent()).toMatch(/push service did not answer/)
    expect(await permissionRequests()).toBe(1)
    await page.getByRole('button', { name: 'Enable notifications' }).waitFor()
    expect(await policyViolations(page)).toEqual([])
  })

  it('opens with no network after the first visit, shows its history, and says it is offline', async () => {
    await ann.page.reload()
    await ann.page.getByLabel('Your ID').waitFor()
    expect(await ann.page.getByRole('status', { name: 'Network' }).count()).toBe(0)
    await ann.context.setOffline(true)
    try {
      await ann.page.reload()
      await ann.page.getByRole('status', { name: 'Network' }).filter({ hasText: 'Offline' }).waitFor()
      await ann.page.getByLabel('Your ID').waitFor()
      await openConversation(ann.page, 'Bob Pushkin')
      await waitForMessage(ann.page, SECRET_TEXT)
      expect(await ann.page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(`${relay.url}/sw.js`)
    } finally {
      await ann.context.setOffline(false)
    }
    // Back online, the app notices (its retry, or the browser's online event) by itself.
    await ann.page.getByRole('status', { name: 'Network' }).waitFor({ state: 'detached', timeout: 60_000 })
  })

  it('lets a new version wait until the person clicks "Reload to update"', async () => {
    const page = ann.page
    await page.reload()
    await waitForController(page)
    const before = await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.scriptURL)
    // A deploy: the worker file changes by one byte.
    await appendFile(join(appDir, 'sw.js'), '\n// next version\n')
    await page.evaluate(async () => { await (await navigator.serviceWorker.ready).update() })
    const button = page.getByRole('button', { name: 'Reload to update' })
    await button.waitFor({ timeout: 60_000 })
    // Nothing swaps under the open tab: the new worker waits.
    expect(await page.evaluate(async () => (await navigator.serviceWorker.ready).waiting != null)).toBe(true)

    await Promise.all([page.waitForEvent('load', { timeout: 60_000 }), button.click()])
    await page.getByLabel('Your ID').waitFor()
    expect(await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready
      return registration.waiting == null && registration.active?.state === 'activated'
    })).toBe(true)
    expect(before).toBe(`${relay.url}/sw.js`)
    await expect(button.count()).resolves.toBe(0)
  })
})
