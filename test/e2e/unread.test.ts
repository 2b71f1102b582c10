import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { startRelay, type RunningRelay } from '../harness/relay.ts'
import { closePersonInBrowser, launchSharedBrowser, openPersonBrowser, openPersonBrowserHideable, openPersonInBrowser } from '../harness/browser.ts'
import {
  addContact, contactButton, createProfile, inviteLink, messageItems, openConversation, sendMessage,
  waitForContact, waitForMessage, waitUntil
} from '../harness/person.ts'

let relay: RunningRelay

beforeAll(async () => { relay = await startRelay() })
afterAll(async () => { await relay?.stop() })

const LONG = 60_000

async function contactNames (page: Page): Promise<string[]> {
  const buttons = page.getByRole('navigation', { name: 'Contacts' }).getByRole('button')
  return (await buttons.allTextContents()).map((t) => t.trim())
}

async function entryName (page: Page, name: string): Promise<string> {
  return (await contactButton(page, name).evaluate((el) => (el as HTMLElement).innerText)) ?? ''
}

async function focusedLabel (page: Page): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? null)
}

/** What the service worker registration has shown: the page's own "New message" goes through it. */
async function shownNotifications (page: Page): Promise<Array<{ title: string, body: string, tag: string }>> {
  return page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready
    return (await registration.getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag }))
  })
}

/**
 * Issue 16, "who wrote to me": Ben writes while Ann has another conversation open. Ann's
 * list shows who wrote and how much (a badge, read out as "2 unread messages"), puts Ben
 * first, and her tab's title counts it; opening Ben's conversation reads it and puts the
 * cursor in "Message"; a reload keeps what was and was not read. With her window minimised
 * (the page really hidden: see launchProfileAsIs), a new message stays unread and shows a
 * content-free "New message". Headless Chromium has no notification UI: the test reads what
 * the service worker registration holds (getNotifications), which is what the page showed.
 */
describe('unread messages', () => {
  it('count per conversation, sort the list, title the tab, survive a reload, and notify a hidden tab', async () => {
    const ann = await openPersonBrowserHideable(relay.url, { permissions: ['notifications'] })
    const ben = await openPersonBrowser(relay.url)
    const shared = await launchSharedBrowser()
    try {
      const cat = await openPersonInBrowser(shared, relay.url)
      await createProfile(ann.page, 'Ann')
      await createProfile(ben.page, 'Ben')
      await createProfile(cat, 'Cat')
      // Ann knows Ben, then Cat (the newest contact, so first), and has Cat's conversation open.
      await addContact(ann.page, await inviteLink(ben.page))
      await waitForContact(ann.page, 'Ben')
      await addContact(ann.page, await inviteLink(cat))
      await waitForContact(ann.page, 'Cat')
      await closePersonInBrowser(cat)
      await openConversation(ann.page, 'Cat')
      expect((await contactNames(ann.page))[0]).toMatch(/^Cat/)
      expect(await ann.page.title()).toBe('Murmur')

      await addContact(ben.page, await inviteLink(ann.page))
      await openConversation(ben.page, 'Ann')
      await sendMessage(ben.page, 'Are you free on Friday?')
      await sendMessage(ben.page, 'The climbing wall opens at six')

      await waitUntil(async () => (await ann.page.title()) === '(2) Murmur', 'Ann\'s title counting two unread', LONG)
      expect(await contactButton(ann.page, 'Ben').getAttribute('aria-current')).toBeNull()
      const benName = await contactButton(ann.page, 'Ben').evaluate((el) => el.textContent ?? '')
      expect(benName).toContain('2 unread messages')
      // The preview is the newest message, and Ben is now first.
      expect(await entryName(ann.page, 'Ben')).toContain('The climbing wall opens at six')
      expect((await contactNames(ann.page))[0]).toMatch(/^Ben/)
      expect(await contactButton(ann.page, 'Cat').evaluate((el) => el.textContent ?? '')).not.toContain('unread')

      // Unread survives a reload: the read state is stored.
      await ann.page.reload()
      await waitForContact(ann.page, 'Ben')
      await waitUntil(async () => (await ann.page.title()) === '(2) Murmur', 'the count back after a reload', LONG)
      expect(await contactButton(ann.page, 'Ben').evaluate((el) => el.textContent ?? '')).toContain('2 unread messages')

      // Opening the conversation reads it: the badge and the title clear, the cursor is in "Message".
      await openConversation(ann.page, 'Ben')
      await waitForMessage(ann.page, 'The climbing wall opens at six')
      await waitUntil(async () => (await ann.page.title()) === 'Murmur', 'the title cleared', LONG)
      expect(await contactButton(ann.page, 'Ben').evaluate((el) => el.textContent ?? '')).not.toContain('unread')
      await waitUntil(async () => (await focusedLabel(ann.page)) === 'Message', 'the cursor in "Message"')

      // And read stays read after a reload.
      await ann.page.reload()
      await waitForContact(ann.page, 'Ben')
      await waitUntil(async () => (await entryName(ann.page, 'Ben')).includes('The climbing wall opens at six'), 'the preview after a reload', LONG)
      expect(await ann.page.title()).toBe('Murmur')
      expect(await contactButton(ann.page, 'Ben').evaluate((el) => el.textContent ?? '')).not.toContain('unread')

      // Hidden tab: Ann has Ben open, minimises her window; Ben writes.
      await openConversation(ann.page, 'Ben')
      await ann.page.evaluate(async () => { await navigator.serviceWorker.ready })
      expect(await shownNotifications(ann.page)).toEqual([])
      await ann.hide()
      await waitUntil(async () => (await ann.page.evaluate(() => document.visibilityState)) === 'hidden', 'Ann\'s page hidden')
      await sendMessage(ben.page, 'Rope or bouldering?')
      await waitUntil(async () => (await ann.page.title()) === '(1) Murmur', 'an unread message while hidden', LONG)
      await waitUntil(async () => (await shownNotifications(ann.page)).length > 0, 'the notification', LONG)
      const shown = await shownNotifications(ann.page)
      expect(shown).toEqual([{ title: 'New message', body: 'Open Murmur to read it.', tag: 'murmur-new-message' }])
      // Content-free: neither who nor what.
      expect(JSON.stringify(shown)).not.toMatch(/Ben|Rope/)
      // A second message folds into the same notification (one tag).
      await sendMessage(ben.page, 'Either is fine')
      await waitUntil(async () => (await ann.page.title()) === '(2) Murmur', 'two unread while hidden', LONG)
      expect(await shownNotifications(ann.page)).toHaveLength(1)

      // Back in view: the open conversation is read at once.
      await ann.show()
      await waitUntil(async () => (await ann.page.title()) === 'Murmur', 'read once visible again', LONG)
    } finally {
      await shared.close()
      await ann.dispose()
      await ben.dispose()
    }
  })

  it('a paste longer than a message can hold is kept whole, said, and not sent', async () => {
    const shared = await launchSharedBrowser()
    try {
      const ann = await openPersonInBrowser(shared, relay.url)
      const ben = await openPersonInBrowser(shared, relay.url)
      await createProfile(ann, 'Ann')
      await createProfile(ben, 'Ben')
      await addContact(ann, await inviteLink(ben))
      // Adding Ben opened his conversation; a click on his entry (already open) still puts the cursor in "Message".
      await ann.getByRole('textbox', { name: 'Message', exact: true }).waitFor()
      await openConversation(ann, 'Ben')
      await waitUntil(async () => (await focusedLabel(ann)) === 'Message', 'the cursor in "Message"')
      const box = ann.getByRole('textbox', { name: 'Message', exact: true })
      const long = 'x'.repeat(9_990) + ' the end'
      await box.fill(long)
      expect(await box.inputValue()).toBe(long)
      const alert = ann.getByRole('alert').filter({ hasText: 'characters' })
      await alert.waitFor()
      expect(await alert.textContent()).toContain('That is 9,998 characters; a message holds at most 4,000.')
      await ann.getByRole('button', { name: 'Send', exact: true }).click()
      await box.press('Enter')
      expect(await box.inputValue()).toBe(long)
      expect(await messageItems(ann)).toEqual([])
      // Cut to fit, it goes.
      await box.fill('short enough')
      await alert.waitFor({ state: 'detached' })
      await ann.getByRole('button', { name: 'Send', exact: true }).click()
      await waitForMessage(ann, 'short enough')
    } finally {
      await shared.close()
    }
  })
})
