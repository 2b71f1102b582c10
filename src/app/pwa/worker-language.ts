/**
 * The language the service worker writes its notification in. The worker runs without the
 * page (a push while Murmur is closed), so the page leaves the chosen language where the
 * worker can read it: one small response in Cache Storage, which both can open. The worker
 * (src/sw/notification.ts) reads the same cache and URL; test/unit/sw/notification.test.ts
 * checks the two agree.
 */
export const WORKER_LANGUAGE_CACHE = 'murmur-preferences'
export const WORKER_LANGUAGE_URL = '/murmur-preferences/language'

/** Stores `language` (a BCP 47 tag) for the worker; a browser without Cache Storage has no worker either. */
export async function saveWorkerLanguage (language: string, storage: CacheStorage | undefined = globalThis.caches): Promise<void> {
  if (storage == null) return
  const cache = await storage.open(WORKER_LANGUAGE_CACHE)
  await cache.put(WORKER_LANGUAGE_URL, new Response(language, { headers: { 'Content-Type': 'text/plain; charset=utf-8' } }))
}
