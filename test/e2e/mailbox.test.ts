import { execFileSync } from 'node:child_process'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { startRelay, type RunningRelay } from '../harness/relay.ts'
import { closePersonInBrowser, launchSharedBrowser, openPersonBrowser, openPersonInBrowser, type PersonBrowser } from '../harness/browser.ts'
import {
  acceptRequest,
  addContact, createProfile, inviteLink, messageItems, openConversation, sendMessage, waitUntil
} from '../harness/person.ts'

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
    cleanup.push(async () => { await closePersonInBrowser(page) })
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

/** "held by N peers" of my message at `index` in the open conversation; 0 before it says so. */
async function holders (page: Page, index: number): Promise<number> {
  const [text] = await page.getByRole('log', { name: 'Messages' }).locator('li.out').nth(index).locator('.holders').allTextContents()
  return Number(/held by (\d+) peer/.exec(text ?? '')?.[1] ?? 0)
}

async function relayStatus (page: Page): Promise<string> {
  return (await page.getByRole('status', { name: 'Relay' }).textContent()) ?? ''
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

// Several browsers, relay restarts and DHT lookups: slow on a busy 2-core machine.
describe('offline delivery through DHT mailboxes', { timeout: 300_000 }, () => {
  it('Bob is away; Ann sends 20 messages and closes; Bob returns and has all 20, once, in order', async () => {
    await bystanders(['Carol', 'Dan'])
    const { bobDir, link } = await bobAway()
    const texts = Array.from({ length: 20 }, (_, i) => `offline note ${String(i + 1).padStart(2, '0')}`)
    const ann = await annWrites(link, texts)
    // Each message waits in Bob's mailbox on other peers before Ann goes.
    await waitUntil(async () => {
      const states = await outgoingStates(ann.page)
      return states.length === 20 && states.every((s) => s === 'stored')
    }, 'all 20 stored', 120_000)
    // Several holders: the relay and the bystanders' tabs (the DHT's k closest nodes). A
    // write that reached fewer (a WebRTC dial to a tab timed out under load) is put again.
    await waitUntil(async () => (await holders(ann.page, 0)) >= 2, 'held by several peers', 150_000)
    await ann.close()

    const bob = await personBrowser(relay.url, bobDir)
    await acceptRequest(bob.page, 'Ann', 120_000)
    await openConversation(bob.page, 'Ann')
    await waitUntil(async () => (await incomingTexts(bob.page)).length >= 20, 'all 20 at Bob', 120_000)
    expect(await incomingTexts(bob.page)).toEqual(texts)
    // Nothing shows twice, also after another drain.
    await bob.page.reload()
    await openConversation(bob.page, 'Ann')
    await waitUntil(async () => (await incomingTexts(bob.page)).length >= 20, 'history after reload')
    expect(await incomingTexts(bob.page)).toEqual(texts)
    expect((await messageItems(bob.page)).length).toBe(20)
  })

  it('the relay restarts while Bob is away, then every holder but one tab is gone: Bob still gets everything', async () => {
    const [carol, dan, erin] = await bystanders(['Carol', 'Dan', 'Erin'])
    const { bobDir, link } = await bobAway()
    const texts = ['kept across a relay restart 1', 'kept across a relay restart 2', 'kept across a relay restart 3']
    const ann = await annWrites(link, texts)
    await waitUntil(async () => {
      const states = await outgoingStates(ann.page)
      return states.length === 3 && states.every((s) => s === 'stored')
    }, 'all stored', 120_000)
    await ann.close()

    // The relay restarts on its data and its ports, as a deployed one does: the copy it held
    // survives on disk.
    const port = new URL(relay.url).port
    const wsPort = /\/tcp\/(\d+)\//.exec(relay.relayAddr)![1]!
    const ports = ['--port', port, '--ws-port', wsPort]
    await relay.stop({ keepData: true })
    relay = await startRelay({ dataDir: relay.dataDir, args: ports })
    const bob = await personBrowser(relay.url, bobDir)
    await acceptRequest(bob.page, 'Ann', 120_000)
    await openConversation(bob.page, 'Ann')
    await waitUntil(async () => (await incomingTexts(bob.page)).length >= 3, 'all 3 at Bob after the restart', 120_000)
    expect(await incomingTexts(bob.page)).toEqual(texts)
    await bob.close()

    // Ann writes again once the bystanders are back on the relay: the relay and their tabs
    // hold the new messages (a write that reached too few is put again within a minute).
    for (const page of [carol!, dan!, erin!]) await waitUntil(async () => (await relayStatus(page)).includes('Reachable'), 'bystanders back on the relay', 120_000)
    const more = ['only Dan holds this 1', 'only Dan holds this 2']
    const ann2 = await personBrowser(relay.url, ann.dir)
    await openConversation(ann2.page, 'Bob')
    for (const text of more) await sendMessage(ann2.page, text)
    await waitUntil(async () => {
      const states = await outgoingStates(ann2.page)
      return states.length === 5 && states.slice(3).every((s) => s === 'stored') && (await holders(ann2.page, 4)) >= 3
    }, 'new messages held by the relay and the tabs', 150_000)
    await ann2.close()

    // Then every holder but Dan's tab goes: Carol's and Erin's tabs close, and the relay is
    // replaced by one that lost everything (a new machine, same address). Bob finds the mail
    // on Dan through the DHT.
    await carol!.context().close()
    await erin!.context().close()
    await relay.stop()
    await waitUntil(async () => !(await relayStatus(dan!)).includes('Reachable'), 'Dan sees the relay gone')
    relay = await startRelay({ args: ports })
    // Dan's tab finds the new relay by itself and takes part in the DHT again.
    await waitUntil(async () => (await relayStatus(dan!)).includes('Reachable'), 'Dan back on the relay', 120_000)
    const bob2 = await personBrowser(relay.url, bobDir)
    await openConversation(bob2.page, 'Ann')
    await waitUntil(async () => (await incomingTexts(bob2.page)).length >= 5, 'both messages from Dan', 120_000)
    expect(await incomingTexts(bob2.page)).toEqual([...texts, ...more])
  })

  it('Ann\'s browser is killed while she sends; after she reopens, Bob has every message she has, exactly once', async () => {
    const bob = await personBrowser()
    await createProfile(bob.page, 'Bob')
    const link = await inviteLink(bob.page)
    const ann = await personBrowser()
    await createProfile(ann.page, 'Ann')
    await addContact(ann.page, link)
    await openConversation(ann.page, 'Bob')
    const texts = Array.from({ length: 8 }, (_, i) => `before the crash ${i + 1}`)
    for (const text of texts) await sendMessage(ann.page, text)
    // No goodbye: the whole browser dies mid-send (the same as a crash or a killed app).
    execFileSync('pkill', ['-KILL', '-f', `user-data-dir=${ann.dir}`])
    await ann.close()

    const again = await personBrowser(relay.url, ann.dir)
    await openConversation(again.page, 'Bob')
    const kept = (await again.page.getByRole('log', { name: 'Messages' }).locator('li.out .text').allTextContents())
    expect(kept.length).toBeGreaterThan(0)
    expect(texts.slice(0, kept.length)).toEqual(kept) // what was accepted is a prefix, in order
    await acceptRequest(bob.page, 'Ann', 120_000)
    await openConversation(bob.page, 'Ann')
    await waitUntil(async () => (await incomingTexts(bob.page)).length >= kept.length, 'every kept message at Bob', 120_000)
    await waitUntil(async () => {
      const states = await outgoingStates(again.page)
      return states.every((s) => s === 'delivered' || s === 'read')
    }, 'receipts for all', 120_000)
    expect(await incomingTexts(bob.page)).toEqual(kept)
  })
})
