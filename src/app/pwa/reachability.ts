/** While unreachable, how often to look again: as often as networking retries (src/core/backoff.ts caps at 5 s), so the notice goes when the relay is back. */
export const OFFLINE_RETRY_MS = 5_000

export interface ReachabilityInit {
  /** A small no-store URL on the origin that served the app; the service worker never answers it. */
  probeUrl: string
  onChange: (online: boolean) => void
  fetch?: typeof fetch
  retryMs?: number
}

/**
 * Whether the server that serves Murmur answers. `navigator.onLine` alone misleads both
 * ways: it says "online" on a network with no route out, and "offline" on a machine whose
 * only interface is loopback, where a local relay answers fine. So the browser's online and
 * offline events (and the tab becoming visible) only trigger a real request; while it
 * fails, it is retried every `retryMs`. Returns a function that stops watching.
 */
export function watchReachability (init: ReachabilityInit): () => void {
  const fetchFn = init.fetch ?? globalThis.fetch.bind(globalThis)
  const retryMs = init.retryMs ?? OFFLINE_RETRY_MS
  let online: boolean | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  let stopped = false

  const probe = async (): Promise<void> => {
    clearTimeout(timer)
    let reached: boolean
    try {
      await fetchFn(init.probeUrl, { cache: 'no-store', method: 'HEAD' })
      reached = true
    } catch {
      reached = false
    }
    if (stopped) return
    if (reached !== online) {
      online = reached
      init.onChange(reached)
    }
    if (!reached) timer = setTimeout(() => { void probe() }, retryMs)
  }

  const onEvent = (): void => { void probe() }
  const onVisible = (): void => { if (document.visibilityState === 'visible') void probe() }
  window.addEventListener('online', onEvent)
  window.addEventListener('offline', onEvent)
  document.addEventListener('visibilitychange', onVisible)
  void probe()
  return () => {
    stopped = true
    clearTimeout(timer)
    window.removeEventListener('online', onEvent)
    window.removeEventListener('offline', onEvent)
    document.removeEventListener('visibilitychange', onVisible)
  }
}
