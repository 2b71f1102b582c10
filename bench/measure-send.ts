import type { Page } from 'playwright-core'
import { openConversation, waitForMessage } from '../test/harness/person.ts'
import { webRtcTrace } from './pages.ts'
import { firstAfter, type TraceEvent } from './trace.ts'

export const MESSAGE_BYTES = 100

/** A 100-byte ASCII message whose first characters name the sample, e.g. "#m0042#xxxx…". */
export function sampleText (tag: string, bytes = MESSAGE_BYTES): string {
  const head = `#${tag}#`
  return head + 'abcdefghijklmnopqrstuvwxyz'.repeat(Math.ceil(bytes / 26)).slice(0, bytes - head.length)
}

/**
 * Runs in the sender's page: types the text as an input event would, then clicks Send.
 * The time is read after Svelte has enabled the button and just before the click, so
 * neither Playwright's round trip nor the typing is counted.
 */
async function clickSend (text: string): Promise<number> {
  const box = document.querySelector('textarea[aria-label="Message"]') as HTMLTextAreaElement | null
  const button = box?.form == null ? undefined : [...box.form.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Send')
  if (box == null || button == null) throw new Error('no "Message" box or "Send" button')
  box.value = text
  box.dispatchEvent(new Event('input', { bubbles: true }))
  for (let i = 0; button.disabled && i < 100; i++) await new Promise((resolve) => setTimeout(resolve, 0))
  if (button.disabled) throw new Error('"Send" stayed disabled after the input event')
  const at = performance.timeOrigin + performance.now()
  button.click()
  return at
}

/**
 * Runs in the receiver's page: a MutationObserver on the Messages log notes, for every
 * list item that appears, the time its callback ran (the DOM insert, before paint), and
 * `__benchSeen(tag)` resolves with that time. Awaiting a promise, unlike polling, puts no
 * work into the receiver's page while a message is on its way.
 */
function watchLog (): void {
  const seen = new Map<string, number>()
  const waiting = new Map<string, (at: number) => void>()
  ;(window as any).__benchSeen = async (tag: string, timeout: number) => {
    const at = seen.get(tag)
    if (at != null) return at
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`message ${tag} did not render in ${timeout} ms`)), timeout)
      waiting.set(tag, (t) => { clearTimeout(timer); resolve(t) })
    })
  }
  const log = document.querySelector('[role="log"][aria-label="Messages"]')
  if (log == null) throw new Error('no Messages log')
  const note = (node: Node, at: number): void => {
    if (!(node instanceof Element)) return
    const items = node.tagName === 'LI' ? [node] : [...node.querySelectorAll('li')]
    for (const li of items) {
      const tag = /#(m\d+)#/.exec(li.textContent ?? '')?.[1]
      if (tag == null || seen.has(tag)) continue
      seen.set(tag, at)
      waiting.get(tag)?.(at)
      waiting.delete(tag)
    }
  }
  new MutationObserver((records) => {
    const at = performance.timeOrigin + performance.now()
    for (const r of records) for (const n of r.addedNodes) note(n, at)
  }).observe(log, { childList: true, subtree: true })
}

export interface SendTimes {
  /** performance.timeOrigin + performance.now() in A just before the click on Send. */
  sentAt: number
  /** The same clock in B when the list item appeared. */
  seenAt: number
}

export interface SendParts {
  /** A's click to A's first data-channel send of ≥ 100 bytes: store, sign, frame. */
  sender: number
  /** That send to B's first data-channel message of ≥ 100 bytes: SCTP/DTLS over loopback. */
  wire: number
  /** That message to the list item in B's DOM: read, verify, store, re-render. */
  receiver: number
}

/**
 * Gets two people who are connected directly (A has B's conversation open) ready for
 * send-to-render samples: one message makes A a contact of B, B opens the conversation,
 * and B's page starts watching its Messages log.
 */
export async function prepareConversation (ann: Page, bob: Page, timeout: number): Promise<void> {
  const first = sampleText('hello')
  await ann.evaluate(clickSend, first)
  // Ann appears in Bob's contacts when her first message arrives; the click waits for that.
  await openConversation(bob, 'Ann')
  await waitForMessage(bob, first, timeout)
  await bob.evaluate(watchLog)
}

/**
 * One sample: A sends a 100-byte message; resolves once it rendered at B and A shows it
 * delivered, so samples never overlap.
 */
export async function sendOne (ann: Page, bob: Page, index: number, timeout: number): Promise<SendTimes> {
  const tag = `m${String(index).padStart(4, '0')}`
  // Asked before the click; it answers at once if the message is already there.
  const rendered = bob.evaluate(async ({ t, ms }) => await (window as any).__benchSeen(t, ms) as number, { t: tag, ms: timeout })
  rendered.catch(() => {}) // awaited below; this only keeps a failed click from leaving it unhandled
  const sentAt = await ann.evaluate(clickSend, sampleText(tag))
  const seenAt = await rendered
  await ann.waitForFunction(
    (t) => [...document.querySelectorAll('[role="log"][aria-label="Messages"] li')]
      .some((li) => li.textContent?.includes(t) === true && li.textContent.includes('delivered')),
    `#${tag}#`, { timeout, polling: 10 })
  return { sentAt, seenAt }
}

/** Splits each sample in three with both pages' WebRTC traces (NaN where a part was not seen). */
export async function splitSends (ann: Page, bob: Page, times: readonly SendTimes[], skipLabel: string): Promise<SendParts[]> {
  const keep = (e: TraceEvent): boolean => e.label !== skipLabel
  const [sent, received] = await Promise.all([webRtcTrace(ann), webRtcTrace(bob)])
  return times.map(({ sentAt, seenAt }) => {
    const send = firstAfter(sent.filter(keep), 'send', sentAt, MESSAGE_BYTES)
    const message = send == null ? undefined : firstAfter(received.filter(keep), 'message', send.at, MESSAGE_BYTES)
    return {
      sender: (send?.at ?? NaN) - sentAt,
      wire: (message?.at ?? NaN) - (send?.at ?? NaN),
      receiver: seenAt - (message?.at ?? NaN)
    }
  })
}
