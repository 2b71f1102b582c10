/**
 * Runs `lead` in exactly one tab of the profile at a time: the one holding the Web Lock
 * `murmur:leader`. The lock is held for the tab's life; when the tab closes (or crashes) the
 * browser releases it and the next waiting tab takes over at once. Where there are no Web
 * Locks (Node tests) the caller simply leads. `signal` ends the candidacy.
 */
export function leadWhenElected (lead: () => void, signal: AbortSignal, onError: (err: unknown) => void): void {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks
  if (locks == null) { lead(); return }
  void locks.request('murmur:leader', { signal }, async () => {
    lead()
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }))
  }).catch((err: unknown) => {
    // Aborted while waiting means this tab is closing; anything else is worth a log line.
    if (!signal.aborted) onError(err)
  })
}
