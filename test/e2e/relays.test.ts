import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { removeDir, startRelay, type RunningRelay } from '../harness/relay.ts'
import { prepareRelayIdentity } from '../harness/relay-identity.ts'
import { launchSharedBrowser, openPersonInBrowser } from '../harness/browser.ts'
import {
  acceptRequest,
  addContact, createProfile, inviteLink, openConversation, sendMessage, waitForMessage, waitForStatus, waitUntil
} from '../harness/person.ts'

let a: RunningRelay
let b: RunningRelay
let c: RunningRelay
let browser: Browser

async function servedRelays (relay: RunningRelay): Promise<string[]> {
  return (await (await fetch(`${relay.url}/murmur-config.json`)).json()).relays
}

/** What the sidebar says about the relays: "Reachable through 2 relays" and the like. */
async function relayLine (page: Page): Promise<string> {
  return (await page.getByRole('status', { name: 'Relay' }).textContent()) ?? ''
}

async function waitForRelays (page: Page, text: string, timeout = 60_000): Promise<void> {
  await waitUntil(async () => (await relayLine(page)).includes(text), `"${text}" in the relay line`, timeout)
}

let root: string

beforeAll(async () => {
  // Three relays of one network, as operators start them: each names those already up
  // (--bootstrap) and those that will join it (--neighbour, by peer id): only relays named
  // so are handed to tabs.
  root = await mkdtemp(join(tmpdir(), 'murmur-relays-'))
  const [dirA, dirB, dirC] = ['a', 'b', 'c'].map((n) => join(root, n)) as [string, string, string]
  const [idB, idC] = await Promise.all([prepareRelayIdentity(dirB), prepareRelayIdentity(dirC)])
  a = await startRelay({ dataDir: dirA, args: ['--neighbour', `${idB},${idC}`] })
  b = await startRelay({ dataDir: dirB, args: ['--bootstrap', a.relayAddr, '--neighbour', idC!] })
  c = await startRelay({ dataDir: dirC, args: ['--bootstrap', `${a.relayAddr},${b.relayAddr}`] })
  for (const relay of [a, b, c]) {
    const others = [a, b, c].filter((r) => r !== relay).map((r) => r.relayAddr)
    await waitUntil(async () => { const l = await servedRelays(relay); return others.every((o) => l.includes(o)) }, 'the relays to know each other')
  }
  browser = await launchSharedBrowser()
})

afterAll(async () => {
  await browser?.close()
  await Promise.allSettled([a, b, c].map(async (r) => r?.stop()))
  await removeDir(root)
})

it('two people on different relays find each other, and keep chatting when a relay dies', async () => {
  // Each opens the app from a different relay, which hands the page the others too.
  const ann = await openPersonInBrowser(browser, a.url)
  const bob = await openPersonInBrowser(browser, c.url)
  await createProfile(ann, 'Ann')
  await createProfile(bob, 'Bob')
  await waitForRelays(ann, 'through 2 relays')
  await waitForRelays(bob, 'through 2 relays')

  await addContact(ann, await inviteLink(bob))
  await openConversation(ann, 'Bob')
  await sendMessage(ann, 'Ann through relay A')
  await waitForStatus(ann, 'direct', 60_000)
  await acceptRequest(bob, 'Ann')
  await openConversation(bob, 'Ann')
  await waitForMessage(bob, 'Ann through relay A')
  await sendMessage(bob, 'Bob through relay C')
  await waitForMessage(ann, 'Bob through relay C')

  // Ann's first relay dies without a goodbye: she drops to one reservation, then takes
  // another on a relay she knows, and the conversation goes on.
  await a.kill()
  await waitForRelays(ann, 'through 2 relays')
  await sendMessage(ann, 'A is gone, still here')
  await waitForMessage(bob, 'A is gone, still here')

  // Now B dies too, leaving C alone: Ann's first presence record named only A and B.
  // Bob reloads, so he must look Ann up again and reach her through the circuit address
  // on C that she published when she failed over.
  await b.kill()
  await waitForRelays(ann, 'through one relay')
  await waitForRelays(bob, 'through one relay')
  await bob.reload()
  await openConversation(bob, 'Ann')
  await waitForStatus(bob, 'direct', 90_000)
  await sendMessage(bob, 'found you through C')
  await waitForMessage(ann, 'found you through C')
  expect(await relayLine(ann)).toContain('through one relay')
})

it('lets a person add and remove relays in Settings, and says clearly what is wrong with a bad address', async () => {
  const page = await openPersonInBrowser(browser, c.url)
  await createProfile(page, 'Cleo')
  await page.getByText('Settings', { exact: true }).click()
  const relays = page.getByRole('region', { name: 'Relays' })
  const field = relays.getByRole('textbox', { name: 'Relay address' })

  await field.fill('relay.example:443')
  await relays.getByRole('button', { name: 'Add relay' }).click()
  expect(await relays.getByRole('alert').textContent()).toContain('is not a relay address')
  await field.fill('/ip4/127.0.0.1/tcp/4001/ws')
  await relays.getByRole('button', { name: 'Add relay' }).click()
  expect(await relays.getByRole('alert').textContent()).toContain('must end in /p2p/<peer id>')
  expect(await relays.getByRole('list', { name: 'Your relays' }).getByRole('listitem').count()).toBe(0)

  await field.fill(c.relayAddr)
  await relays.getByRole('button', { name: 'Add relay' }).click()
  await relays.getByRole('list', { name: 'Your relays' }).getByText(c.relayAddr).waitFor()
  // Kept in this browser: still there after a reload.
  await page.reload()
  await page.getByText('Settings', { exact: true }).click()
  await relays.getByRole('list', { name: 'Your relays' }).getByText(c.relayAddr).waitFor()
  await relays.getByRole('button', { name: `Remove relay ${c.relayAddr}` }).click()
  expect(await relays.getByRole('list', { name: 'Your relays' }).getByRole('listitem').count()).toBe(0)
})
