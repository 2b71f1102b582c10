import type { Locator, Page } from 'playwright-core'

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

/** `name`'s entry in the contact list. */
export function contactButton (page: Page, name: string): Locator {
  return page.getByRole('navigation', { name: 'Contacts' }).getByRole('button', { name: startsWithName(name) })
}

/** Waits until `name` shows in the contact list, e.g. once their invite link was added. */
export async function waitForContact (page: Page, name: string, timeout = 30_000): Promise<void> {
  await contactButton(page, name).waitFor({ timeout })
}

/** `name`'s entry under "Message requests": someone who wrote first and is not a contact yet. */
export function requestItem (page: Page, name: string): Locator {
  return page.getByRole('region', { name: 'Message requests' }).getByRole('listitem')
    .filter({ has: page.getByText(`${name} (unverified name)`, { exact: true }) })
}

/** Accepts `name`'s message request once it shows: they become a contact, history kept. */
export async function acceptRequest (page: Page, name: string, timeout = 30_000): Promise<void> {
  await requestItem(page, name).getByRole('button', { name: 'Accept' }).click({ timeout })
  await waitForContact(page, name, timeout)
}

export async function openConversation (page: Page, name: string): Promise<void> {
  await contactButton(page, name).click()
}

/** `name`'s entry in the group list; its accessible name ends in the member count. */
export function groupButton (page: Page, name: string): Locator {
  return page.getByRole('navigation', { name: 'Groups' }).getByRole('button', { name: startsWithName(name) })
}

/** Makes a group of the given contacts, as its first member. */
export async function createGroup (page: Page, name: string, members: readonly string[]): Promise<void> {
  await page.getByRole('button', { name: 'New group' }).click()
  await page.getByRole('textbox', { name: 'Group name' }).fill(name)
  for (const member of members) {
    await page.getByRole('button', { name: 'Add member' }).click()
    await page.getByRole('list', { name: 'Contacts to add' }).getByRole('button', { name: startsWithName(member) }).click()
  }
  await page.getByRole('button', { name: 'Create group' }).click()
}

/** Waits until the group shows in the list (it reaches the others over the network), then opens it. */
export async function openGroup (page: Page, name: string, timeout = 30_000): Promise<void> {
  await groupButton(page, name).click({ timeout })
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

/**
 * An accessible name that starts with `name` and does not go on with a letter or digit
 * (what follows is ", direct", ", add", ", 3 members"), so "Member 1" is not "Member 10".
 */
function startsWithName (name: string): RegExp {
  return new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?!\\w)`)
}
