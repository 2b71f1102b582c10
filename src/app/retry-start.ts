import { backoffDelay, RETRY_BACKOFF, type BackoffPolicy } from '../core/backoff.ts'

/**
 * Where the network start-up stands, for the status line:
 * - `starting`: an attempt is under way (the first, or a retry);
 * - `waiting`: the last attempt failed (`error`), the next is due at `retryAt` (ms since the epoch);
 * - `started`: the network half runs; from here the relay keeper reports.
 */
export type StartupStatus =
  | { phase: 'starting', failures: number }
  | { phase: 'waiting', failures: number, retryAt: number, error: unknown }
  | { phase: 'started' }

export interface RetryStartInit<T> {
  /** One whole try: fetch the configuration, start the node. Must leave nothing running when it throws. */
  attempt: (signal: AbortSignal) => Promise<T>
  onStatus: (status: StartupStatus) => void
  /** Stops retrying (the profile closes); the promise then rejects with the abort reason. */
  signal: AbortSignal
  backoff?: BackoffPolicy
  now?: () => number
  random?: () => number
  /** Registers a callback for moments worth a try at once (online, page visible); returns its removal. */
  wake?: (retryNow: () => void) => () => void
  /** Waits `ms` unless woken or aborted first; a timer by default. */
  wait?: (ms: number, wake: AbortSignal) => Promise<void>
}

async function timerWait (ms: number, wake: AbortSignal): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms)
    wake.addEventListener('abort', () => { clearTimeout(timer); resolve() }, { once: true })
  })
}

/**
 * Runs `attempt` until it succeeds, for as long as the page is open: after each failure it
 * waits a backoff drawn by src/core/backoff.ts (0.5 s doubling to 5 s, full jitter), or less
 * when `wake` says the network may be back. A tab opened while its relay is down thus starts
 * by itself within a few seconds of the relay's return, without a reload.
 */
export async function retryStart<T> (init: RetryStartInit<T>): Promise<T> {
  const now = init.now ?? Date.now
  const wait = init.wait ?? timerWait
  let woken = new AbortController()
  const stopWaking = init.wake?.(() => { woken.abort() })
  let failures = 0
  try {
    for (;;) {
      init.signal.throwIfAborted()
      init.onStatus({ phase: 'starting', failures })
      woken = new AbortController()
      try {
        const result = await init.attempt(init.signal)
        init.onStatus({ phase: 'started' })
        return result
      } catch (err) {
        init.signal.throwIfAborted()
        failures++
        const delay = backoffDelay(failures, init.backoff ?? RETRY_BACKOFF, init.random)
        init.onStatus({ phase: 'waiting', failures, retryAt: now() + delay, error: err })
        // A wake during the attempt counts too: the network came back while it was failing.
        if (!woken.signal.aborted) await wait(delay, AbortSignal.any([woken.signal, init.signal]))
      }
    }
  } finally {
    stopWaking?.()
  }
}
