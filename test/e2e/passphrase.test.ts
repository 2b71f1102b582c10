import { afterAll, beforeAll, expect, it } from 'vitest'
import { startRelay, type RunningRelay } from '../harness/relay.ts'
import { openPersonBrowser } from '../harness/browser.ts'
import { acceptRequest, addContact, createProfile, inviteLink, openConversation, sendMessage, waitForMessage, waitUntil } from '../harness/person.ts'

let relay: RunningRelay

beforeAll(async () => { relay = await startRelay() })
afterAll(async () => { await relay?.stop() })

it('a profile with a passphrase shows nothing until it is unlocked; a wrong passphrase changes nothing', async () => {
  const ann = await openPersonBrowser(relay.url)
  const bob = await openPersonBrowser(relay.url)
  try {
    await createProfile(ann.page, 'Ann')
    await createProfile(bob.page, 'Bob')
    await addContact(ann.page, await inviteLink(bob.page))
    await sendMessage(ann.page, 'a secret for later')
    await acceptRequest(bob.page, 'Ann')
    await openConversation(bob.page, 'Ann')
    await waitForMessage(bob.page, 'a secret for later')

    const page = bob.page
    // A second tab of Bob's profile: it must close and start again while the key changes.
    const second = await bob.context.newPage()
    await second.goto(relay.url)
    await second.getByLabel('Your ID').waitFor()
    await page.getByText('Settings').click()
    await page.getByLabel('New passphrase').fill('correct horse battery')
    await page.getByLabel('Confirm passphrase').fill('correct horse battery')
    await page.getByRole('button', { name: 'Set passphrase' }).click()
    // Every record is sealed again under a new key; the page then starts again, locked.
    await page.getByRole('heading', { name: 'Murmur is locked' }).waitFor({ timeout: 60_000 })
    await second.getByRole('heading', { name: 'Murmur is locked' }).waitFor({ timeout: 30_000 })
    const locked = await page.locator('body').innerText()
    expect(locked).not.toContain('a secret for later')
    expect(locked).not.toContain('Ann')

    await page.getByLabel('Passphrase').fill('not the passphrase')
    await page.getByRole('button', { name: 'Unlock' }).click()
    await page.getByRole('alert').filter({ hasText: 'does not unlock' }).waitFor({ timeout: 30_000 })
    expect(await page.locator('body').innerText()).not.toContain('a secret for later')

    await page.getByLabel('Passphrase').fill('correct horse battery')
    await page.getByRole('button', { name: 'Unlock' }).click()
    await openConversation(page, 'Ann')
    await waitForMessage(page, 'a secret for later')
    // Unlocked, it is a working messenger again.
    await waitUntil(async () => (await page.getByRole('status', { name: 'Connection' }).textContent() ?? '').includes('direct'), 'direct again', 60_000)
    await sendMessage(page, 'unlocked and back')
    await openConversation(ann.page, 'Bob')
    await waitForMessage(ann.page, 'unlocked and back')

    // Removing the passphrase asks for it; then both tabs start again without one.
    await page.getByText('Settings').click()
    await page.getByLabel('Current passphrase').fill('not the passphrase')
    await page.getByRole('button', { name: 'Remove passphrase' }).click()
    await page.getByRole('alert').filter({ hasText: 'does not unlock' }).waitFor({ timeout: 30_000 })
    await page.getByLabel('Current passphrase').fill('correct horse battery')
    await page.getByRole('button', { name: 'Remove passphrase' }).click()
    await page.getByLabel('Your ID').waitFor({ timeout: 60_000 })
    await second.getByLabel('Your ID').waitFor({ timeout: 30_000 })
    await openConversation(page, 'Ann')
    await waitForMessage(page, 'a secret for later')
  } finally {
    await ann.dispose()
    await bob.dispose()
  }
})
