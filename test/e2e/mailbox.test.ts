import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { startRelay, type RunningRelay } from './support/relay.ts'
import { launchSharedBrowser, openPersonBrowser, openPersonInBrowser, type PersonBrowser } from './support/browser.ts'
import {
  addContact, createProfile, inviteLink, messageItems, openConversation, sendMessage, waitUntil
} from './support/person.ts'

/**
 * Offline delivery for real: Chromium tabs, the relay, the DHT they form, and mailbox
 * records on several holders. Bob is away (his browser closed); Ann writes and closes hers;
 * bystander tabs stay online as DHT nodes that hold records; Bob returns and gets everything
 * once and in order.
 */

let relay: RunningRelay
let shared: Browser
const cleanup: Array<() => Promise<void>> = []

beforeAll(async () => {
  relay = await startRelay()
  shared = await launchSharedBrowser()
})
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step().catch(() => {})
})
afterAll(async () => {
  await shared?.close()
  await relay?.stop()
})

async function personBrowser (url = relay.url, dir?: string): Promise<PersonBrowser> {
  const person = await openPersonBrowser(url, dir)
  cleanup.push(person.dispose)
  return person
}

/** Online tabs that do nothing but take part in the DHT: holders for other people's mail. */
async function bystanders (names: string[]): Promise<Page[]> {
  const pages: Page[] = []
  for (const name of names) {
    const page = await openPersonInBrowser(shared, relay.url)
    cleanup.push(async () => { await page.context().close() })
    await createProfile(page, name)
    pages.push(page)
  }
  return pages
}

/** The delivery state of each of my messages in the open conversation, by its accessible name. */
async function outgoingStates (page: Page): Promise<string[]> {
  const states = page.getByRole('log', { name: 'Messages' }).locator('li.out').getByRole('img')
  const names: string[] = []
  for (const state of await states.all()) names.push((await state.getAttribute('aria-label')) ?? '')
  return names
}

/** Texts of the incoming messages in the open conversation, in display order. */
async function incomingTexts (page: Page): Promise<string[]> {
  return page.getByRole('log', { name: 'Messages' }).locator('li.in .text').allTextContents()
}

/** Ann has Bob's invite, Bob's browser is closed: his profile directory waits for his return. */
async function bobAway (): Promise<{ bobDir: string, link: string }> {
  const bob = await openPersonBrowser(relay.url)
  await createProfile(bob.page, 'Bob')
  const link = await inviteLink(bob.page)
  await bob.close()
  cleanup.push(bob.dispose)
  return { bobDir: bob.dir, link }
}

async function annWrites (link: string, texts: string[]): Promise<PersonBrowser> {
  const ann = await personBrowser()
  await createProfile(ann.page, 'Ann')
  await addContact(ann.page, link)
  await openConversation(ann.page, 'Bob')
  for (const text of texts) await sendMessage(ann.page, text)
  return ann
}

describe('offline delivery through DHT mailboxes', () => {
  it('Bob is away; Ann sends 20 messages and closes; Bob returns and has all 20, once, in order', async () => {
    await bystanders(['Carol', 'Dan'])
    const { bobDir, link } = await bobAway()
    const texts = Array.from({ length: 20 }, (_, i) => `offline note ${String(i + 1).padStart(2, '0')}`)
    const ann = await annWrites(link, texts)
    // Each message waits in Bob's mailbox on other peers before Ann goes.
    await waitUntil(async () => {
      const states = await outgoingStates(ann.page)
      return states.length === 20 && states.every((s) => s === 'stored')
    }, 'all 20 stored', 60_000)
    // Several holders: the relay and the bystanders' tabs (the DHT's k closest nodes).
    const held = await ann.page.locator('li.out .holders').first().textContent()
    expect(Number(/held by (\d+) peer/.exec(held ?? '')?.[1])).toBeGreaterThanOrEqual(2)
    await ann.close()

    const bob = await personBrowser(relay.url, bobDir)
    await openConversation(bob.page, 'Ann')
    await waitUntil(async () => (await incomingTexts(bob.page)).length >= 20, 'all 20 at Bob', 60_000)
    expect(await incomingTexts(bob.page)).toEqual(texts)
    // Nothing shows twice, also after another drain.
    await bob.page.reload()
    await openConversation(bob.page, 'Ann')
    await waitUntil(async () => (await incomingTexts(bob.page)).length >= 20, 'history after reload')
    expect(await incomingTexts(bob.page)).toEqual(texts)
    expect((await messageItems(bob.page)).length).toBe(20)
  })
})
