import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { startRelay, type RunningRelay } from '../harness/relay.ts'
import { openPersonBrowser, type PersonBrowser } from '../harness/browser.ts'
import {
  acceptRequest, addContact, contactButton, createGroup, createProfile, groupButton, inviteLink, openConversation, openGroup, ownId,
  requestItem, sendMessage, waitForContact, waitForMessage, waitUntil
} from '../harness/person.ts'

/**
 * Who reaches me, as a person does it: a stranger who adds Ann by her ID and writes lands in
 * "Message requests", not among her contacts, until she accepts; a blocked stranger's next
 * message is not shown; Ann names Ben her own way, and her new display name reaches him.
 */

let relay: RunningRelay
const people: PersonBrowser[] = []

beforeAll(async () => { relay = await startRelay() })
afterAll(async () => {
  for (const p of people) await p.dispose()
  await relay?.stop()
})

async function person (name: string): Promise<Page> {
  const p = await openPersonBrowser(relay.url)
  people.push(p)
  await createProfile(p.page, name)
  return p.page
}

const contactNames = async (page: Page): Promise<string[]> =>
  page.getByRole('navigation', { name: 'Contacts' }).getByRole('button').allTextContents()

const requests = (page: Page) => page.getByRole('region', { name: 'Message requests' })

describe('message requests, blocking and names', { timeout: 240_000 }, () => {
  it('a stranger waits in requests until accepted; a blocked one is not shown; names are the person\'s own', async () => {
    const ann = await person('Ann')
    const cai = await person('Cai')
    const dev = await person('Dev')
    const ben = await person('Ben')
    await waitUntil(async () => (await inviteLink(ann)).length > 0, 'Ann reachable')
    const annId = await ownId(ann)

    // Cai found Ann's ID and writes: a request, named as Cai wrote, not a contact.
    await addContact(cai, annId)
    await sendMessage(cai, 'hi Ann, we met at the meetup')
    await requestItem(ann, 'Cai').waitFor({ timeout: 60_000 })
    await requestItem(ann, 'Cai').getByText('hi Ann, we met at the meetup').waitFor()
    expect(await contactNames(ann)).toEqual([])

    // Accept: Cai is a contact, and what Cai wrote is kept.
    await acceptRequest(ann, 'Cai')
    expect(await requests(ann).count()).toBe(0)
    await openConversation(ann, 'Cai')
    await waitForMessage(ann, 'hi Ann, we met at the meetup')

    // Dev writes too, and Ann blocks Dev: Dev's next message never shows.
    await addContact(dev, annId)
    await sendMessage(dev, 'first from Dev')
    await requestItem(ann, 'Dev').waitFor({ timeout: 60_000 })
    await requestItem(ann, 'Dev').getByRole('button', { name: 'Block' }).click()
    await waitUntil(async () => await requests(ann).count() === 0, 'Dev gone from requests')
    await ann.getByText('Settings', { exact: true }).click()
    await ann.getByRole('list', { name: 'Blocked' }).getByRole('listitem').first().waitFor()
    await sendMessage(dev, 'second from Dev')
    // Dev's message left (on the link, or into Ann's mailbox); then Cai writes: once Cai's
    // message is shown, Dev's had every chance to arrive.
    const devLog = dev.getByRole('log', { name: 'Messages' })
    await waitUntil(async () => await devLog.getByRole('img', { name: /^(sent|stored)$/ }).count() > 0, 'Dev\'s second message out')
    await sendMessage(cai, 'after Dev')
    // Settings fill the main area: back to Cai's conversation to read it.
    await openConversation(ann, 'Cai')
    await waitForMessage(ann, 'after Dev')
    expect(await requests(ann).count()).toBe(0)
    expect((await contactNames(ann)).some((n) => n.startsWith('Dev'))).toBe(false)

    // Ann and Ben know each other; Ann names Ben her own way.
    await addContact(ann, await inviteLink(ben))
    await waitForContact(ann, 'Ben')
    await openConversation(ann, 'Ben')
    await sendMessage(ann, 'hello Ben')
    await acceptRequest(ben, 'Ann')
    await openConversation(ben, 'Ann')
    await waitForMessage(ben, 'hello Ben')
    await ann.getByRole('button', { name: 'Contact details' }).click()
    const long = 'B'.repeat(64)
    await ann.getByRole('textbox', { name: 'Name for this contact' }).fill(long)
    await ann.getByRole('button', { name: 'Save name' }).click()
    await contactButton(ann, long).waitFor()
    await ann.getByRole('heading', { name: long }).waitFor()
    // A 64-character name without spaces is cut with an ellipsis: the Send button stays in view.
    await expect(ann.getByRole('button', { name: 'Send', exact: true }).isVisible()).resolves.toBe(true)
    const box = await contactButton(ann, long).boundingBox()
    const sidebar = await ann.getByRole('complementary').boundingBox()
    expect(box!.x + box!.width).toBeLessThanOrEqual(sidebar!.x + sidebar!.width + 1)

    // Ann changes her own display name; Ben sees it with her next message.
    await ann.getByText('Your display name', { exact: true }).first().click()
    await ann.getByRole('textbox', { name: 'Your display name' }).fill('Annabel')
    await ann.getByRole('button', { name: 'Save display name' }).click()
    await ann.getByRole('heading', { name: 'Annabel' }).waitFor()
    await sendMessage(ann, 'I go by Annabel now')
    await waitForMessage(ben, 'I go by Annabel now')
    await waitForContact(ben, 'Annabel')
  })

  it('a stranger\'s group invitation waits in requests; joining makes the group hers and the inviter a contact', async () => {
    // The first test's people have done their part: fewer browsers on a 2-core machine.
    const [ann] = people.slice(0, 1).map((p) => p.page)
    for (const p of people.splice(1)) await p.dispose()
    const eli = await person('Eli')
    await addContact(eli, await inviteLink(ann!))
    // Ann calls herself Annabel since the first test.
    await waitForContact(eli, 'Annabel')
    await createGroup(eli, 'Book club', ['Annabel'])

    // Nothing of it is Ann's yet: a request with the invitation, no group, Eli no contact.
    const item = requestItem(ann!, 'Eli')
    await item.getByText('Invites you to the group “Book club” (2 members)').waitFor({ timeout: 60_000 })
    expect(await groupButton(ann!, 'Book club').count()).toBe(0)
    expect((await contactNames(ann!)).some((n) => n.startsWith('Eli'))).toBe(false)

    await item.getByRole('button', { name: 'Join Book club' }).click()
    await waitForContact(ann!, 'Eli')
    await openGroup(ann!, 'Book club', 60_000)
    await ann!.getByRole('log', { name: 'Messages' }).getByRole('listitem').filter({ hasText: /^Eli added you$/ }).waitFor()
    await openGroup(eli, 'Book club')
    await sendMessage(eli, 'welcome to the club')
    await waitForMessage(ann!, 'welcome to the club', 60_000)
  })
})
