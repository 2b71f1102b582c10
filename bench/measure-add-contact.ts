import type { Browser, Page } from 'playwright-core'
import { createProfile, inviteLink, ownId } from '../test/harness/person.ts'
import { closePersonInBrowser } from '../test/harness/browser.ts'
import { openBenchPage, webRtcTrace, within } from './pages.ts'
import { waitForEvent } from '../test/harness/events.ts'
import { firstAfter } from './trace.ts'

export interface ConnectedPair {
  ann: Page
  bob: Page
  bobId: string
  /** A's murmur:direct mark minus performance.now() just before the click on "Add contact". */
  addToDirect: number
  /** Wall-clock time from B's relay reservation to A's click (B's presence had this long to land in the DHT). */
  bobReservedBeforeClick: number
  /** addToDirect in three parts, from A's WebRTC trace (NaN when a part was not seen). */
  parts: AddContactParts
}

export interface AddContactParts {
  /** Click to A's first RTCPeerConnection: presence lookup, relayed dial, signalling stream. */
  toPeerConnection: number
  /** RTCPeerConnection created to connected: offer/answer through the relay, ICE, DTLS. */
  toConnected: number
  /** Connected to the murmur:direct mark: data channel, Noise, yamux, DM stream, hellos. */
  toDirect: number
}

/**
 * Two fresh people in two contexts of the shared browser. B creates a profile and waits for
 * its relay reservation; A creates a profile and also waits for its own reservation, so
 * the figure is adding a contact with the network already up, not A's page start-up
 * (measured separately). Then, inside A's page, the invite link is put in the box, and
 * performance.now() is read right before the click on "Add contact".
 */
export async function connectPair (browser: Browser, url: string, timeoutMs: number): Promise<ConnectedPair> {
  const deadline = Date.now() + timeoutMs
  const left = (): number => Math.max(1, deadline - Date.now())
  const [ann, bob] = await Promise.all([openBenchPage(browser, url), openBenchPage(browser, url)])
  try {
    await createProfile(bob, 'Bob')
    const [bobSetup] = await Promise.all([
      (async () => {
        const reserved = await waitForEvent(bob, 'relay:reserved', left())
        const origin = await bob.evaluate(() => performance.timeOrigin)
        return { reservedAt: origin + reserved, link: await inviteLink(bob), id: await ownId(bob) }
      })(),
      (async () => {
        await createProfile(ann, 'Ann')
        await waitForEvent(ann, 'relay:reserved', left())
      })()
    ])
    const clickedAt = await ann.evaluate(clickAddContact, bobSetup.link)
    const directAt = await ann.waitForFunction(
      (id) => (globalThis as unknown as { murmurDiagnostics: { events: (n: string) => Array<{ at: number, detail: { userId: string } }> } })
        .murmurDiagnostics.events('link:direct').find((e) => e.detail.userId === id)?.at,
      bobSetup.id,
      { timeout: left(), polling: 10 }
    ).then(async (h) => await h.jsonValue() as number)
    const directWall = clickedAt.wall - clickedAt.now + directAt
    const trace = await webRtcTrace(ann)
    const pc = firstAfter(trace, 'pc', clickedAt.wall)
    const connected = pc == null ? undefined : firstAfter(trace, 'connected', pc.at)
    return {
      ann,
      bob,
      bobId: bobSetup.id,
      addToDirect: directAt - clickedAt.now,
      bobReservedBeforeClick: clickedAt.wall - bobSetup.reservedAt,
      parts: {
        toPeerConnection: (pc?.at ?? NaN) - clickedAt.wall,
        toConnected: (connected?.at ?? NaN) - (pc?.at ?? NaN),
        toDirect: directWall - (connected?.at ?? NaN)
      }
    }
  } catch (err) {
    await Promise.all([closePersonInBrowser(ann), closePersonInBrowser(bob)])
    throw err
  }
}

/** Runs in A's page: fills the contact box as typing would, then clicks "Add contact". */
async function clickAddContact (link: string): Promise<{ now: number, wall: number }> {
  const label = [...document.querySelectorAll('label')].find((l) => l.textContent?.trim() === 'Contact ID or invite link')
  const input = label?.control as HTMLInputElement | null | undefined
  const button = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Add contact')
  if (input == null || button == null) throw new Error('no "Contact ID or invite link" box or "Add contact" button')
  input.value = link
  // Svelte's bind:value listens for 'input'; the button is enabled on the next flush.
  input.dispatchEvent(new Event('input', { bubbles: true }))
  for (let i = 0; button.disabled && i < 100; i++) await new Promise((resolve) => setTimeout(resolve, 0))
  if (button.disabled) throw new Error('"Add contact" stayed disabled after the input event')
  const now = performance.now()
  button.click()
  return { now, wall: performance.timeOrigin + now }
}

export interface AddContactSamples {
  addToDirect: number[]
  bobReservedBeforeClick: number[]
  parts: AddContactParts[]
}

/**
 * `count` fresh pairs, one after the other; each pair is closed before the next starts.
 * Samples go into `samples` as they come, so a failure keeps those already taken.
 */
export async function measureAddContact (browser: Browser, url: string, count: number, sampleTimeout: number, samples: AddContactSamples): Promise<void> {
  for (let i = 0; i < count; i++) {
    const pair = await within(sampleTimeout + 5_000,
      `add contact sample ${i + 1}: no direct connection within ${sampleTimeout / 1000} s`,
      connectPair(browser, url, sampleTimeout))
    samples.addToDirect.push(pair.addToDirect)
    samples.bobReservedBeforeClick.push(pair.bobReservedBeforeClick)
    samples.parts.push(pair.parts)
    await Promise.all([closePersonInBrowser(pair.ann), closePersonInBrowser(pair.bob)])
  }
}
