import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { startRelay, type RunningRelay } from '../harness/relay.ts'
import { openPersonBrowser, type PersonBrowser } from '../harness/browser.ts'
import { addContact, createGroup, createProfile, groupButton, inviteLink, openGroup, sendMessage, waitForContact, waitUntil } from '../harness/person.ts'

/**
 * Groups for real: five people, each in their own Chromium process, through the relay and
 * then over direct WebRTC. Only Ann knows everyone (and each knows Ann: only a contact's invitation puts
 * someone in a group); the others meet through the group (their
 * sessions and sender keys are set up over links the group makes). Gossip, sync and the
 * causal order are the app's real ones.
 */

const NAMES = ['Ann', 'Bob', 'Cat', 'Dan', 'Eve'] as const
const LONG = 120_000

let relay: RunningRelay
const people = new Map<string, PersonBrowser>()
const page = (name: string): Page => people.get(name)!.page

beforeAll(async () => {
  relay = await startRelay()
  for (const name of NAMES) {
    const person = await openPersonBrowser(relay.url)
    people.set(name, person)
    await createProfile(person.page, name)
  }
  // Only a contact's invitation puts someone in a group: each member adds Ann's invite too.
  const annLink = await inviteLink(page('Ann'))
  for (const name of NAMES.slice(1)) {
    await addContact(page('Ann'), await inviteLink(page(name)))
    await waitForContact(page('Ann'), name)
    await addContact(page(name), annLink)
    await waitForContact(page(name), 'Ann')
  }
}, 240_000)

afterAll(async () => {
  for (const person of people.values()) await person.dispose()
  await relay?.stop()
})

/** Every message in the open group as "author text", in the order shown (status lines left out: each member has its own). */
async function groupLog (p: Page): Promise<string[]> {
  return p.getByRole('log', { name: 'Messages' }).getByRole('listitem').evaluateAll((items) =>
    items.filter((li) => !li.classList.contains('event'))
      .map((li) => `${li.querySelector('.author')?.textContent ?? ''}: ${li.querySelector('.text')?.textContent ?? ''}`))
}

/** A status line in the open group's log ("Ann added you"). */
const statusLine = (p: Page, text: string) => p.getByRole('log', { name: 'Messages' }).getByRole('listitem').filter({ hasText: new RegExp(`^${text}$`) })

const readable = (log: string[]): boolean => log.every((line) => !line.includes('Waiting for'))

async function sameLogs (names: readonly string[], count: number): Promise<string[]> {
  let last: string[][] = []
  try {
    await waitUntil(async () => {
      last = await Promise.all(names.map(async (n) => groupLog(page(n))))
      return last.every((log) => log.length === count && readable(log) && log.join('\n') === last[0]!.join('\n'))
    }, `${names.join(', ')} showing the same ${count} messages`, LONG)
  } catch (err) {
    // What each member showed at the end: how many, how many still waiting for a key, the last few.
    const seen = names.map((n, i) => `${n}: ${last[i]?.length ?? 0} shown, ${last[i]?.filter((l) => l.includes('Waiting for')).length ?? 0} waiting; last ${JSON.stringify(last[i]?.slice(-3))}`)
    throw new Error(`${(err as Error).message}\n${seen.join('\n')}`)
  }
  return last[0]!
}

describe('groups', () => {
  it('five members sending at once all end with the same history', async () => {
    await createGroup(page('Ann'), 'Climbing', NAMES.slice(1))
    for (const name of NAMES) await openGroup(page(name), 'Climbing', LONG)
    await statusLine(page('Ann'), 'You created the group').waitFor()
    await statusLine(page('Bob'), 'Ann added you').waitFor()
    // A first message each; a message whose key has not arrived yet waits and is read when it does.
    for (const name of NAMES) await sendMessage(page(name), `hello from ${name}`)
    await sameLogs(NAMES, NAMES.length)

    // The burst: 20 each, everyone at once, nobody waiting for anything.
    await Promise.all(NAMES.map(async (name) => {
      for (let i = 0; i < 20; i++) await sendMessage(page(name), `${name} ${i}`)
    }))
    const log = await sameLogs(NAMES, NAMES.length * 21)
    // Each author's own messages keep the order they were written in.
    for (const name of NAMES) {
      const mine = log.filter((line) => line.startsWith(`${name}: ${name} `)).map((line) => Number(line.split(' ').at(-1)))
      expect(mine).toEqual([...Array(20).keys()])
    }
  }, 300_000)

  it('a member away during a burst catches up on return and ends identical', async () => {
    const eve = people.get('Eve')!
    const before = (await groupLog(page('Ann'))).length
    await eve.close()
    const online = NAMES.filter((n) => n !== 'Eve')
    await Promise.all(online.map(async (name) => {
      for (let i = 0; i < 5; i++) await sendMessage(page(name), `${name} while Eve was away ${i}`)
    }))
    await sameLogs(online, before + 20)

    const back = await openPersonBrowser(relay.url, eve.dir)
    people.set('Eve', back)
    await openGroup(back.page, 'Climbing', LONG)
    await sameLogs(NAMES, before + 20)
  }, 300_000)

  it('a removed member stays connected and reads nothing sent afterwards', async () => {
    const ann = page('Ann')
    await ann.getByRole('button', { name: 'Group details' }).click()
    await ann.getByRole('button', { name: 'Remove Dan' }).click()
    await page('Dan').getByRole('status', { name: 'Group' }).filter({ hasText: 'no longer in this group' }).waitFor({ timeout: LONG })
    await waitUntil(async () => (await groupButton(page('Bob'), 'Climbing').textContent())?.includes('4 members') === true, 'Bob seeing four members', LONG)
    // Each log says it in its own words; Bob saw only the new state, not why Dan went.
    await statusLine(ann, 'You removed Dan').waitFor({ timeout: LONG })
    await statusLine(page('Dan'), 'Ann removed you').waitFor({ timeout: LONG })
    await statusLine(page('Bob'), 'Dan is no longer in the group').waitFor({ timeout: LONG })
    expect(await page('Bob').getByRole('status', { name: 'Group' }).textContent()).toMatch(/^4 members/)

    const remaining = NAMES.filter((n) => n !== 'Dan')
    const before = (await groupLog(ann)).length
    for (const name of remaining) await sendMessage(page(name), `after Dan left, from ${name}`)
    await sameLogs(remaining, before + remaining.length)

    // Dan's tab is still up and linked; nothing sent after the removal reaches his history.
    const dan = await groupLog(page('Dan'))
    expect(dan.some((line) => line.includes('after Dan left'))).toBe(false)
    expect(await page('Dan').getByRole('textbox', { name: 'Message', exact: true }).count()).toBe(0)
  }, 300_000)
})
