import { afterEach, beforeEach, expect, vi } from 'vitest'
import { decryptFromContact } from '../../../src/core/session/index.ts'
import type { MessengerInit } from '../../../src/app/messenger.ts'

/**
 * Fake time for tests of the app's services. The app waits on timers (the outbox batches
 * receipts for 20 ms and waits RECEIPT_WAIT_MS for them; the leader polls mailboxes every
 * MAILBOX_POLL_MS and retries a drain after DRAIN_RETRY_MS; groups catch up every
 * GROUP_CATCH_UP_MS and again LINK_SETTLE_MS after a link comes up) and reads the clock
 * (Date.now). Both are faked together, so a test moves time on and the clock agrees.
 *
 * Everything else the tests run must finish in microtasks, or advancing fake time would not
 * wait for it: the in-memory store and network do, and so does the session crypto once
 * its payloads open on noble (`syncCrypto`). WebCrypto's X25519 completes on the real event
 * loop; its own tests (test/unit/core/session/async.test.ts) show it opens the same.
 * Microtasks, process.nextTick, setImmediate and performance.now stay real.
 */
export function useFakeTime (): void {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] })
  })
  afterEach(() => {
    vi.useRealTimers()
  })
}

/** Messenger options for fake time: session payloads open on noble, synchronously. */
export const syncCrypto: Pick<MessengerInit, 'decrypt'> = { decrypt: decryptFromContact }

/**
 * How long `settle` moves time on: past the outbox's 20 ms receipt batch, and well short of
 * the next timer any service sets (DRAIN_RETRY_MS, 2 s).
 */
export const SETTLE_MS = 100

/**
 * Moves fake time on by SETTLE_MS: every promise chain already started runs to its end (the
 * in-memory network delivers within it), and receipts batched meanwhile are sent. Timers of
 * a second or more (receipt waits, polls, catch-ups) do not fire.
 */
export async function settle (): Promise<void> {
  await vi.advanceTimersByTimeAsync(SETTLE_MS)
}

export interface EventuallyOptions {
  /** Fake time allowed before the condition must hold. */
  budgetMs?: number
  /** Fake time moved on between two reads. */
  stepMs?: number
}

type Matchers = 'toBe' | 'toEqual' | 'toMatchObject'
type EventualAssertion = { [K in Matchers]: (expected: unknown) => Promise<void> }

function assertThat (value: unknown, matcher: Matchers, expected: unknown): void {
  if (matcher === 'toMatchObject') expect(value).toMatchObject(expected as object)
  else expect(value)[matcher](expected)
}

/**
 * `expect.poll` on fake time: reads the value, and while the matcher fails (or the read
 * throws), moves fake time on by `stepMs` and reads again, until it passes or `budgetMs` of
 * fake time is spent; then it throws the last error, the matcher's with the last value read.
 * The default budget, one second, is for what follows from work already started (promise
 * chains, the 20 ms receipt batch) and stays short of every longer timer: a test that means
 * one (a receipt wait, a poll, a catch-up) moves time on by it itself, so its steps say so.
 */
export function eventually<T> (read: () => T | Promise<T>, options: EventuallyOptions = {}): EventualAssertion {
  const budgetMs = options.budgetMs ?? 1_000
  const stepMs = options.stepMs ?? 10
  const check = (matcher: Matchers) => async (expected: unknown): Promise<void> => {
    // Made before the first await, so its stack still names the test's line.
    const site = new Error('eventually')
    for (let spent = 0; ; spent += stepMs) {
      try {
        assertThat(await read(), matcher, expected)
        return
      } catch (err) {
        if (spent >= budgetMs) throw fromSite(err, site, spent)
      }
      await vi.advanceTimersByTimeAsync(stepMs)
    }
  }
  return { toBe: check('toBe'), toEqual: check('toEqual'), toMatchObject: check('toMatchObject') }
}

/** The matcher's error, said to come after `spent` ms of fake time, with the test's line as its place. */
function fromSite (err: unknown, site: Error, spent: number): unknown {
  if (!(err instanceof Error)) return err
  err.message = `after ${spent} ms of fake time: ${err.message}`
  const frames = (site.stack ?? '').split('\n').slice(1).filter((line) => !line.includes('/test/unit/support/fake-time.ts'))
  err.stack = [`${err.name}: ${err.message}`, ...frames].join('\n')
  return err
}
