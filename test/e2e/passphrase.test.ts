import { afterAll, beforeAll, expect, it } from 'vitest'
import { startRelay, type RunningRelay } from '../harness/relay.ts'
import { openPersonBrowser } from '../harness/browser.ts'
import { addContact, createProfile, inviteLink, openConversation, sendMessage, waitForMessage, waitUntil } from '../harness/person.ts'

let relay: RunningRelay

beforeAll(async () => { relay = await startRelay() })
afterAll(async () => { await relay?.stop() })

it('a profile with a passphrase shows nothing after a reload until it is unlocked; a wrong passphrase changes nothing', async () => {
  const ann = await openPersonBrowser(relay.url)
  const bob = await openPersonBrowser(relay.url)
  try {
    await createProfile(ann.page, 'Ann')
    await createProfile(bob.page, 'Bob')
    await addContact(ann.page, await inviteLink(bob.page))
    await sendMessage(ann.page, 'a secret for later')
    await openConversation(bob.page, 'Ann')
    await waitForMessage(bob.page, 'a secret for later')

    const page = bob.page
    await page.getByText('Settings').click()
    await page.getByLabel('New passphrase').fill('correct horse battery')
    await page.getByLabel('Confirm passphrase').fill('correct horse battery')
    await page.getByRole('button', { name: 'Set passphrase' }).click()
    await page.getByRole('button', { name: 'Lock now' }).waitFor({ timeout: 30_000 })

    await page.reload()
    await page.getByRole('heading', { name: 'Murmur is locked' }).waitFor()
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
  } finally {
    await ann.dispose()
    await bob.dispose()
  }
})
