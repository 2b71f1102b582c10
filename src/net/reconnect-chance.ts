/**
 * Calls `retry` when a failed connection is worth trying again at once: the browser says it
 * is back online, or the page becomes visible (a laptop opened, a phone's tab brought
 * forward; timers in hidden tabs are throttled). Returns a function that stops listening.
 * Outside a page (Node, a worker) it listens to nothing.
 */
export function onReconnectChance (retry: () => void): () => void {
  const win = globalThis.window as Window | undefined
  const doc = globalThis.document as Document | undefined
  if (win == null || doc == null) return () => {}
  const onOnline = (): void => { retry() }
  const onVisible = (): void => { if (doc.visibilityState === 'visible') retry() }
  win.addEventListener('online', onOnline)
  doc.addEventListener('visibilitychange', onVisible)
  return () => {
    win.removeEventListener('online', onOnline)
    doc.removeEventListener('visibilitychange', onVisible)
  }
}
