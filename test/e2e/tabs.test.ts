import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { startRelay, type RunningRelay } from '../harness/relay.ts'
import { openPersonBrowser, type PersonBrowser } from '../harness/browser.ts'
import { acceptRequest, addContact, createProfile, inviteLink, openConversation, sendMessage, waitUntil } from '../harness/person.ts'

/**
 * One profile open in several tabs: every tab is a node, ratchet steps are serialized by Web
 * Locks, one leader tab does the profile's single jobs, and BroadcastChannel keeps every
 * tab's view current.
 */

let relay: RunningRelay
const cleanup: Array<() => Promise<void>> = []
beforeAll(async () => { relay = await startRelay() })
afterEach(async () => { for (const step of cleanup.splice(0).reverse()) await step().catch(() => {}) })
afterAll(async () => { await relay?.stop() })

async function person (): Promise<PersonBrowser> {
  const browser = await openPersonBrowser(relay.url)
  cleanup.push(browser.dispose)
  return browser
}

/** Another tab of the same browser profile: same IndexedDB, same Murmur profile. */
async function anotherTab (of: PersonBrowser): Promise<Page> {
  const page = await of.context.newPage()
  await page.goto(relay.url)
  await page.getByLabel('Your ID').waitFor()
  return page
}

const texts = async (page: Page, direction: 'in' | 'out'): Promise<string[]> =>
  page.getByRole('log', { name: 'Messages' }).locator(`li.${direction} .text`).allTextContents()

describe('one profile in several tabs', { timeout: 240_000 }, () => {
  it('three tabs send to one contact at once: every message arrives once and decrypts (no forked ratchet), and every tab shows them all', async () => {
    const bob = await person()
    await createProfile(bob.page, 'Bob')
    const ann = await person()
    await createProfile(ann.page, 'Ann')
    await addContact(ann.page, await inviteLink(bob.page))
    const tabs = [ann.page, await anotherTab(ann), await anotherTab(ann)]
    for (const tab of tabs) await openConversation(tab, 'Bob')

    const sent = tabs.flatMap((_, t) => Array.from({ length: 5 }, (_, i) => `tab ${t + 1} says ${i + 1}`))
    await Promise.all(tabs.map(async (tab, t) => {
      for (let i = 0; i < 5; i++) await sendMessage(tab, `tab ${t + 1} says ${i + 1}`)
    }))

    await acceptRequest(bob.page, 'Ann', 120_000)
    await openConversation(bob.page, 'Ann')
    await waitUntil(async () => (await texts(bob.page, 'in')).length >= sent.length, 'all 15 at Bob', 120_000)
    const got = await texts(bob.page, 'in')
    expect([...got].sort()).toEqual([...sent].sort())
    // Each tab wrote its own messages in order.
    for (let t = 1; t <= 3; t++) expect(got.filter((x) => x.startsWith(`tab ${t} `))).toEqual(sent.filter((x) => x.startsWith(`tab ${t} `)))
    // Nothing failed to decrypt on Bob's side: the sessions never forked.
    expect(await bob.page.getByRole('alert').count()).toBe(0)
    // Every tab shows all fifteen (BroadcastChannel), and every one comes back delivered.
    for (const tab of tabs) {
      await waitUntil(async () => (await texts(tab, 'out')).length === sent.length, 'every tab shows all 15')
      await waitUntil(async () => {
        const states = await tab.getByRole('log', { name: 'Messages' }).locator('li.out').getByRole('img').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))
        return states.every((s) => s === 'delivered' || s === 'read')
      }, 'receipts in every tab', 120_000)
    }
  })

  it('the leader tab closes; another takes over and drains the mailbox', async () => {
    const ann = await person()
    await createProfile(ann.page, 'Ann')
    const link = await inviteLink(ann.page)
    const second = await anotherTab(ann)
    // Bob's network lets no WebRTC through (the test breaks RTCPeerConnection in his page):
    // whatever he sends can only reach Ann through her mailbox.
    const bob = await person()
    await bob.context.addInitScript(() => {
      window.RTCPeerConnection = class { constructor () { throw new Error('WebRTC is blocked here') } } as any
    })
    await bob.page.reload()
    await createProfile(bob.page, 'Bob')
    // The first tab leads (it took the lock first); now it closes.
    await ann.page.close()
    await addContact(bob.page, link)
    await openConversation(bob.page, 'Ann')
    await sendMessage(bob.page, 'for whichever tab is left')
    await waitUntil(async () => (await bob.page.getByRole('log', { name: 'Messages' }).getByRole('img', { name: 'stored' }).count()) === 1, 'stored', 120_000)
    // Ann has never heard of Bob: only a drain by the new leader can bring his message (a request).
    await acceptRequest(second, 'Bob', 120_000)
    await openConversation(second, 'Bob')
    await waitUntil(async () => (await texts(second, 'in')).includes('for whichever tab is left'), 'drained by the new leader')
  })
})
