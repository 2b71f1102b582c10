import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { startRelay, type RunningRelay } from '../harness/relay.ts'
import { launchSharedBrowser, openPersonBrowser, openPersonInBrowser, policyViolations, webrtcStats } from '../harness/browser.ts'
import {
  acceptRequest, addContact, createProfile, inviteLink, messageItems, openConversation, sendMessage,
  waitForMessage, waitForStatus, waitUntil
} from '../harness/person.ts'

let relay: RunningRelay

beforeAll(async () => { relay = await startRelay() })
afterAll(async () => { await relay?.stop() })

/**
 * The walking skeleton, as two people do it: create profiles, add by invite link, write
 * both ways. The conversation must run over a direct WebRTC connection: the page's own
 * RTCPeerConnection is connected and its received bytes grow with each message.
 */
async function chatBothWays (ann: Page, bob: Page): Promise<void> {
  await createProfile(ann, 'Ann')
  await createProfile(bob, 'Bob')
  await addContact(ann, await inviteLink(bob))
  await openConversation(ann, 'Bob')

  await sendMessage(ann, 'Hello Bob, this is Ann')
  await waitForStatus(ann, 'direct')
  // Bob did not add Ann: her first message is a message request; he accepts it.
  await acceptRequest(bob, 'Ann')
  await openConversation(bob, 'Ann')
  await waitForMessage(bob, 'Hello Bob, this is Ann')
  await waitForStatus(bob, 'direct')

  const before = await webrtcStats(ann)
  expect(before.connected).toBeGreaterThan(0)
  await sendMessage(bob, 'Hi Ann! Bob here')
  await waitForMessage(ann, 'Hi Ann! Bob here')
  const after = await webrtcStats(ann)
  expect(after.bytesReceived).toBeGreaterThan(before.bytesReceived)
  // On loopback no STUN or TURN is configured: every candidate is a host candidate.
  expect(new Set(after.candidateTypes)).toEqual(new Set(['host']))

  // The sender's message is marked delivered once the receipt is back, and read once Bob
  // has the conversation open (read receipts are on by default).
  await waitUntil(async () => (await messageItems(ann)).some((t) => t.includes('Hello Bob') && t.includes('read')), 'read mark')
  expect((await messageItems(bob)).filter((t) => t.includes('Hello Bob, this is Ann'))).toHaveLength(1)

  // Both compare safety numbers: the same 60 digits on each side; Ann marks Bob verified.
  const digits = async (page: Page): Promise<string> => {
    await page.getByRole('button', { name: 'Contact details' }).click()
    const group = page.getByRole('group', { name: 'Safety number' })
    await group.waitFor()
    await page.getByRole('img', { name: 'Safety number QR code' }).waitFor()
    return (await group.textContent())!.replace(/\s+/g, '')
  }
  const annDigits = await digits(ann)
  expect(annDigits).toMatch(/^\d{60}$/)
  expect(await digits(bob)).toBe(annDigits)
  await ann.getByRole('checkbox', { name: 'Verified' }).check()
  await waitUntil(async () => (await ann.getByRole('status', { name: 'Connection' }).textContent() ?? '').includes('verified'), 'verified mark')

  // The relay serves a strict CSP with Trusted Types: a whole chat runs without one violation.
  expect(await policyViolations(ann)).toEqual([])
  expect(await policyViolations(bob)).toEqual([])
}

describe('two people chat', () => {
  it('in two Chromium processes, over direct WebRTC', async () => {
    const ann = await openPersonBrowser(relay.url)
    const bob = await openPersonBrowser(relay.url)
    try {
      await chatBothWays(ann.page, bob.page)
    } finally {
      await ann.dispose()
      await bob.dispose()
    }
  })

  it('in two pages of one browser process, where the upstream dial race shows', async () => {
    let browser: Browser | undefined
    try {
      browser = await launchSharedBrowser()
      const ann = await openPersonInBrowser(browser, relay.url)
      const bob = await openPersonInBrowser(browser, relay.url)
      await chatBothWays(ann, bob)
    } finally {
      await browser?.close()
    }
  })

  it('opening an invite link adds its person, and a first message is encrypted from the prekey it carries', async () => {
    const ann = await openPersonBrowser(relay.url)
    const dan = await openPersonBrowser(relay.url)
    try {
      await createProfile(ann.page, 'Ann')
      await createProfile(dan.page, 'Dan')
      await ann.page.goto(await inviteLink(dan.page))
      await ann.page.getByRole('navigation', { name: 'Contacts' }).getByRole('button', { name: /^Dan/ }).waitFor()
      expect(ann.page.url()).not.toContain('#/i/')
      await sendMessage(ann.page, 'opened your link')
      await acceptRequest(dan.page, 'Ann')
      await openConversation(dan.page, 'Ann')
      await waitForMessage(dan.page, 'opened your link')
    } finally {
      await ann.dispose()
      await dan.dispose()
    }
  })

  it('adding by bare ID finds the person through the DHT', async () => {
    const ann = await openPersonBrowser(relay.url)
    const carol = await openPersonBrowser(relay.url)
    try {
      await createProfile(ann.page, 'Ann')
      await createProfile(carol.page, 'Carol')
      await waitForRelay(carol.page)
      const carolId = (await carol.page.getByLabel('Your ID').textContent())!.trim()
      await addContact(ann.page, carolId)
      await sendMessage(ann.page, 'found you by ID')
      await waitForStatus(ann.page, 'direct')
      await acceptRequest(carol.page, 'Ann')
      await openConversation(carol.page, 'Ann')
      await waitForMessage(carol.page, 'found you by ID')
    } finally {
      await ann.dispose()
      await carol.dispose()
    }
  })
})

async function waitForRelay (page: Page): Promise<void> {
  await waitUntil(async () => ((await page.getByRole('status', { name: 'Relay' }).textContent()) ?? '').includes('Reachable'), 'relay reservation')
}

