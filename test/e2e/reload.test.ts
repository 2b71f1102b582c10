import { afterAll, beforeAll, expect, it } from 'vitest'
import { startRelay, type RunningRelay } from '../harness/relay.ts'
import { openPersonBrowser } from '../harness/browser.ts'
import {
  acceptRequest,
  addContact, createProfile, inviteLink, messageItems, openConversation, sendMessage,
  waitForMessage, waitForStatus
} from '../harness/person.ts'

let relay: RunningRelay

beforeAll(async () => { relay = await startRelay() })
afterAll(async () => { await relay?.stop() })

it('after a reload, and after closing and reopening the browser, history is there and the two find each other again', async () => {
  const ann = await openPersonBrowser(relay.url)
  let bob = await openPersonBrowser(relay.url)
  try {
    await createProfile(ann.page, 'Ann')
    await createProfile(bob.page, 'Bob')
    await addContact(ann.page, await inviteLink(bob.page))
    await sendMessage(ann.page, 'before the reload')
    await acceptRequest(bob.page, 'Ann')
    await openConversation(bob.page, 'Ann')
    await waitForMessage(bob.page, 'before the reload')

    // Both reload: each tab comes back with a new PeerId and must find the other through
    // the presence records in the DHT; nobody re-adds anyone.
    await Promise.all([ann.page.reload(), bob.page.reload()])
    await openConversation(ann.page, 'Bob')
    await openConversation(bob.page, 'Ann')
    await waitForMessage(ann.page, 'before the reload')
    await waitForMessage(bob.page, 'before the reload')
    await waitForStatus(ann.page, 'direct', 60_000)
    await sendMessage(bob.page, 'after the reload')
    await waitForMessage(ann.page, 'after the reload')

    // Bob closes his browser entirely and opens it again on the same profile directory.
    await bob.close()
    await waitForStatus(ann.page, 'offline', 60_000)
    bob = await openPersonBrowser(relay.url, bob.dir)
    await openConversation(bob.page, 'Ann')
    await waitForMessage(bob.page, 'after the reload')
    await waitForStatus(bob.page, 'direct', 60_000)
    await sendMessage(ann.page, 'welcome back')
    await waitForMessage(bob.page, 'welcome back')

    const history = await messageItems(bob.page)
    expect(history.map((t) => ['before the reload', 'after the reload', 'welcome back'].find((m) => t.includes(m))))
      .toEqual(['before the reload', 'after the reload', 'welcome back'])
  } finally {
    await ann.dispose()
    await bob.dispose()
  }
})
