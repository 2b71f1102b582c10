/**
 * Exponential backoff with full jitter, for anything that retries for as long as the page is
 * open (start-up, relay dials). The ceiling doubles from `initialMs` to `maxMs`; the delay is
 * drawn uniformly below it, so many tabs that lost one relay together do not come back in
 * step, and a tab tries again at most `maxMs` after the relay returns.
 */
export interface BackoffPolicy {
  /** The ceiling after the first failure. */
  initialMs: number
  /** The ceiling never grows past this. */
  maxMs: number
}

/** Start-up steps and relay dials: 0.5 s doubling to 5 s. */
export const RETRY_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 5_000 }

/** The ceiling of the delay after `failures` failures in a row (1 or more). */
export function backoffCeiling (failures: number, policy: BackoffPolicy = RETRY_BACKOFF): number {
  const n = Math.max(1, Math.floor(failures))
  // 2 ** 30 already exceeds any sensible cap; past it the power would only grow toward Infinity.
  return Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(n - 1, 30))
}

/**
 * How long to wait after `failures` failures in a row before trying again: uniform in
 * [0, ceiling) ("full jitter"). `random` returns a number in [0, 1), as Math.random does.
 */
export function backoffDelay (failures: number, policy: BackoffPolicy = RETRY_BACKOFF, random: () => number = Math.random): number {
  const r = Math.min(Math.max(random(), 0), 1)
  return Math.floor(r * backoffCeiling(failures, policy))
}

/** When the next attempt is due, given when the last one failed. */
export function nextAttemptAt (failedAt: number, failures: number, policy: BackoffPolicy = RETRY_BACKOFF, random: () => number = Math.random): number {
  return failedAt + backoffDelay(failures, policy, random)
}
