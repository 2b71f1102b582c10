import { afterAll, beforeAll, expect, it } from 'vitest'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { removeDir, startRelay, type RunningRelay } from '../harness/relay.ts'
import { openPersonBrowser, type PersonBrowser } from '../harness/browser.ts'
import { freePort } from '../harness/free-port.ts'
import { waitForController } from '../harness/service-worker.ts'
import {
  acceptRequest, addContact, connectionStatus, createProfile, inviteLink, openConversation, sendMessage, waitForMessage, waitForStatus, waitUntil
} from '../harness/person.ts'

let dataDir: string
let args: string[]
let relay: RunningRelay | undefined
let ann: PersonBrowser | undefined
let bob: PersonBrowser | undefined

async function relayLine (page: Page): Promise<string> {
  return (await page.getByRole('status', { name: 'Relay' }).textContent()) ?? ''
}

async function waitForRelayLine (page: Page, text: string, timeout = 30_000): Promise<void> {
  await waitUntil(async () => (await relayLine(page)).includes(text), `"${text}" in the relay line`, timeout)
}

/** Whether two elements' boxes overlap on screen. */
async function overlaps (a: Locator, b: Locator): Promise<boolean> {
  const [x, y] = await Promise.all([a.boundingBox(), b.boundingBox()])
  if (x == null || y == null) throw new Error('an element is not on screen')
  return x.x < y.x + y.width && y.x < x.x + x.width && x.y < y.y + y.height && y.y < x.y + x.height
}

/** The offline notice covers neither the message field nor the Send button, and both stay on screen. */
async function expectComposerClear (page: Page): Promise<void> {
  const banner = page.getByRole('status', { name: 'Network' })
  await banner.waitFor()
  const viewport = page.viewportSize()!
  for (const control of [page.getByRole('textbox', { name: 'Message', exact: true }), page.getByRole('button', { name: 'Send', exact: true })]) {
    expect(await overlaps(banner, control)).toBe(false)
    const box = (await control.boundingBox())!
    expect(box.y + box.height).toBeLessThanOrEqual(viewport.height)
  }
}

beforeAll(async () => {
  // The relay comes back on the same ports with the same identity (its data directory),
  // as a restarted relay does.
  dataDir = await mkdtemp(join(tmpdir(), 'murmur-selfheal-'))
  args = ['--port', String(await freePort()), '--ws-port', String(await freePort())]
  relay = await startRelay({ dataDir, args })
})

afterAll(async () => {
  await ann?.dispose()
  await bob?.dispose()
  await relay?.stop()
  await removeDir(dataDir)
})

it('a tab opened while the relay is down says it is waiting, and connects by itself when the relay returns', async () => {
  ann = await openPersonBrowser(relay!.url)
  bob = await openPersonBrowser(relay!.url)
  await createProfile(ann.page, 'Ann')
  await createProfile(bob.page, 'Bob')
  await addContact(ann.page, await inviteLink(bob.page))
  await openConversation(ann.page, 'Bob')
  await sendMessage(ann.page, 'hello while the relay is up')
  // Bob did not add Ann: her first message is a message request; he accepts it.
  await acceptRequest(bob.page, 'Ann')
  await openConversation(bob.page, 'Ann')
  await waitForMessage(bob.page, 'hello while the relay is up')
  await waitForStatus(ann.page, 'direct', 60_000)
  await waitForStatus(bob.page, 'direct', 60_000)
  // The relay is also the web server: a tab can open while it is down only from the
  // service worker's copy of the app, which is what a person's installed Murmur does.
  await waitForController(ann.page)

  // The relay goes away. The direct link still delivers, and the status says so.
  await relay!.stop()
  relay = undefined
  await waitForRelayLine(bob.page, 'Relay offline')
  expect(await relayLine(bob.page)).toContain('conversations with a direct link go on')
  expect(await connectionStatus(bob.page)).toContain('direct')
  await sendMessage(bob.page, 'still here without the relay')
  await waitForMessage(ann.page, 'still here without the relay')
  expect(await relayLine(bob.page)).not.toContain('messages wait')
  // The offline notice shows once the page notices its server is gone (an online event, a
  // visible page, a reload); whenever it does, it must not say so either.
  for (const notice of await bob.page.getByRole('status', { name: 'Network' }).allTextContents()) expect(notice).not.toContain('messages wait')

  // Ann opens Murmur anew while the relay is down: her history shows, and the status says
  // what networking waits for instead of "Could not start networking: Failed to fetch".
  await ann.page.reload()
  await openConversation(ann.page, 'Bob')
  await waitForMessage(ann.page, 'still here without the relay')
  await waitForRelayLine(ann.page, 'Waiting for the relay… retrying in')
  expect(await relayLine(ann.page)).not.toContain('Could not start networking')
  // A few tries later it is still waiting, never stuck on an error.
  await waitUntil(async () => /retrying in [2-5] s/.test(await relayLine(ann!.page)), 'a longer backoff')

  // The offline notice leaves the composer usable, on a desktop window and on a phone.
  await expectComposerClear(ann.page)
  await ann.page.setViewportSize({ width: 390, height: 844 })
  await expectComposerClear(ann.page)
  await ann.page.setViewportSize({ width: 1280, height: 720 })

  // The relay returns on the same address. Nobody reloads.
  relay = await startRelay({ dataDir, args })
  await waitForRelayLine(ann.page, 'Reachable through one relay', 10_000)
  await waitForStatus(ann.page, 'direct', 10_000)
  await waitForStatus(bob.page, 'direct', 10_000)
  await sendMessage(ann.page, 'back together')
  await waitForMessage(bob.page, 'back together')
})
