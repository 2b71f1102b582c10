import type { Page } from 'playwright-core'

/** What a person does in the app, found by role and accessible name as they would. */
export async function createProfile (page: Page, name: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Display name' }).fill(name)
  await page.getByRole('button', { name: 'Create profile' }).click()
  await page.getByLabel('Your ID').waitFor()
}

export async function ownId (page: Page): Promise<string> {
  return (await page.getByLabel('Your ID').textContent())!.trim()
}

/** The invite link, once the relay's configuration put the relay addresses in it. */
export async function inviteLink (page: Page): Promise<string> {
  const box = page.getByRole('textbox', { name: 'Invite link', exact: true })
  await waitUntil(async () => (await box.inputValue()).length > 200, 'invite link with relays')
  return box.inputValue()
}

export async function addContact (page: Page, idOrLink: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Contact ID or invite link' }).fill(idOrLink)
  await page.getByRole('button', { name: 'Add contact' }).click()
}

export async function openConversation (page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Contacts' })
    .getByRole('button', { name: new RegExp(`^${escapeRegExp(name)}`) }).click()
}

export async function sendMessage (page: Page, text: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Message', exact: true }).fill(text)
  await page.getByRole('button', { name: 'Send', exact: true }).click()
}

export async function waitForMessage (page: Page, text: string, timeout = 30_000): Promise<void> {
  await page.getByRole('log', { name: 'Messages' }).getByRole('listitem')
    .filter({ hasText: text }).first().waitFor({ timeout })
}

/** The text of every message in the open conversation, in display order (time and state included). */
export async function messageItems (page: Page): Promise<string[]> {
  return page.getByRole('log', { name: 'Messages' }).getByRole('listitem').allTextContents()
}

export async function connectionStatus (page: Page): Promise<string> {
  return (await page.getByRole('status', { name: 'Connection' }).textContent()) ?? ''
}

export async function waitForStatus (page: Page, word: 'offline' | 'relay' | 'direct' | 'via TURN', timeout = 30_000): Promise<void> {
  await waitUntil(async () => (await connectionStatus(page)).includes(word), `connection status "${word}"`, timeout)
}

export async function waitUntil (check: () => Promise<boolean>, what: string, timeout = 30_000): Promise<void> {
  const deadline = Date.now() + timeout
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`timed out waiting for ${what}`)
}

function escapeRegExp (text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
