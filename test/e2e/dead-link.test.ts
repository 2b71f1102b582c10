import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { startRelay, type RunningRelay } from '../harness/relay.ts'
import {
  closePersonInBrowser, killPersonBrowser, launchSharedBrowser, openPersonBrowser, openPersonBrowserHideable, openPersonInBrowser, type PersonBrowser
} from '../harness/browser.ts'
import {
  acceptRequest, addContact, createProfile, inviteLink, messageItems, openConversation, sendMessage, waitForMessage, waitForStatus, waitUntil
} from '../harness/person.ts'

/**
 * A message is safe once sent, even on a link whose far end is already dead. Ann and Ben
 * chat directly, each in their own Chromium process; Ben's process is killed (SIGKILL: no
 * goodbye on the wire, and WebRTC keeps calling the link "connected" for a while); Ann
 * writes and closes her browser a few seconds later; two other people stay online as DHT
 * holders; Ben comes back and finds everything in his mailbox, once and in order.
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

async function personBrowser (dir?: string): Promise<PersonBrowser> {
  const person = await openPersonBrowser(relay.url, dir)
  cleanup.push(person.dispose)
  return person
}

/** Online people who only take part in the DHT: holders for other people's mail. */
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

/** Texts of the incoming messages in the open conversation, in display order. */
async function incomingTexts (page: Page): Promise<string[]> {
  return page.getByRole('log', { name: 'Messages' }).locator('li.in .text').allTextContents()
}

/** Ann and Ben, each in their own browser process, chatting over a direct link. */
async function annAndBenChatting<A extends PersonBrowser> (openAnn: () => Promise<A>): Promise<{ ann: A, ben: PersonBrowser }> {
  const ben = await personBrowser()
  await createProfile(ben.page, 'Ben')
  const link = await inviteLink(ben.page)
  const ann = await openAnn()
  await createProfile(ann.page, 'Ann')
  await addContact(ann.page, link)
  await openConversation(ann.page, 'Ben')
  await sendMessage(ann.page, 'are you there?')
  // Ben did not add Ann: her first message is a message request; he accepts it.
  await acceptRequest(ben.page, 'Ann', 60_000)
  await openConversation(ben.page, 'Ann')
  await waitForMessage(ben.page, 'are you there?', 60_000)
  await sendMessage(ben.page, 'yes')
  await waitForMessage(ann.page, 'yes', 60_000)
  await waitForStatus(ann.page, 'direct', 60_000)
  return { ann, ben }
}

/** Ben's browser process dies: SIGKILL, every process of it. */
async function killBen (ben: PersonBrowser): Promise<void> {
  expect(await killPersonBrowser(ben.dir)).toBeGreaterThan(0)
  await ben.close()
}

/**
 * Ben comes back on his profile: every text, once, in order, from the mailboxes, with Ann gone.
 * Before the fix they never came while Ann was away. The issue asks for 20 s; on a quiet
 * machine they come in about 2 s, so the wait allows 30 s for a loaded one, and prints the time.
 */
async function benGetsEverything (benDir: string, texts: string[]): Promise<void> {
  const back = await personBrowser(benDir)
  const opened = Date.now()
  await openConversation(back.page, 'Ann')
  const expected = ['are you there?', ...texts]
  await waitUntil(async () => (await incomingTexts(back.page)).length >= expected.length, `all ${texts.length} at Ben`, 30_000)
  console.log(`dead-link: Ben had all ${texts.length} ${((Date.now() - opened) / 1000).toFixed(1)} s after his page opened`)
  expect(await incomingTexts(back.page)).toEqual(expected)
  // Nothing twice: the direct copy and the mailbox copy raced, the store kept one.
  expect((await messageItems(back.page)).filter((item) => item.includes('dead link note')).length).toBe(texts.length)
}

// Several browser processes and DHT lookups: slow on a busy 2-core machine.
// Runs of 2026-12-06 on a quiet machine: before mailbox writes went straight to the
// connected relays, the first passed 8 times in 10 and the second failed after the first,
// with Ann's five still "sent" as she went (kad-dht's PUT waited on a dead node of its walk);
// since, both passed 6 of 6, Ben having all five 1.8-2.1 s after his page opened.

describe('a message is safe once sent, also on a dead link', { timeout: 300_000 }, () => {
  it('Ben\'s browser is killed; Ann writes five and closes 3 s later; Ben returns and has all five, once, in order', async () => {
    await bystanders(['Carol', 'Dan'])
    const { ann, ben } = await annAndBenChatting(async () => personBrowser())
    await killBen(ben)
    const texts = Array.from({ length: 5 }, (_, i) => `dead link note ${i + 1}`)
    for (const text of texts) await sendMessage(ann.page, text)
    await ann.page.waitForTimeout(3_000)
    const annSaw = await messageItems(ann.page)
    await ann.close()
    console.log('dead-link: Ann\'s messages as she closed', JSON.stringify(annSaw.map((t) => t.replace(/\s+/g, ' '))))

    await benGetsEverything(ben.dir, texts)
  })

  it('the same when Ann\'s window is hidden after the last message and her browser killed 3 s later', async () => {
    await bystanders(['Carol', 'Dan'])
    const { ann, ben } = await annAndBenChatting(async () => {
      const hideable = await openPersonBrowserHideable(relay.url)
      cleanup.push(hideable.dispose)
      return hideable
    })
    await killBen(ben)
    const texts = Array.from({ length: 5 }, (_, i) => `dead link note ${i + 1}`)
    for (const text of texts) await sendMessage(ann.page, text)
    // Hidden: the tab writes whatever is not yet safe to the mailbox; then it dies unannounced.
    await ann.hide()
    await ann.page.waitForTimeout(3_000)
    const annSaw = await messageItems(ann.page)
    expect(await killPersonBrowser(ann.dir)).toBeGreaterThan(0)
    console.log('dead-link: Ann\'s messages as she was killed', JSON.stringify(annSaw.map((t) => t.replace(/\s+/g, ' '))))
    await ann.close().catch(() => {})

    await benGetsEverything(ben.dir, texts)
  })
})
