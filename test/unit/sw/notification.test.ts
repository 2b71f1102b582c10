import { describe, expect, it } from 'vitest'
import {
  focusOrOpenApp, NEW_MESSAGE_NOTIFICATION, newMessageNotification, NOTIFICATION_TEXT, readWorkerLanguage,
  WORKER_LANGUAGE_CACHE, WORKER_LANGUAGE_URL, type WindowLike
} from '../../../src/sw/notification.ts'
import * as pageSide from '../../../src/app/pwa/worker-language.ts'
import { LOCALES } from '../../../src/ui/i18n/locale.ts'

// The service worker's click handler with recorded clients: headless Chromium cannot click
// a notification (test/e2e/pwa.test.ts drives the real worker with a synthetic event).
function clients (windows: Array<Omit<WindowLike, 'focus'>>) {
  const calls: string[] = []
  return {
    calls,
    matchAll: async () => windows.map((w) => ({ ...w, focus: async () => { calls.push(`focus ${w.url}`) } })),
    openWindow: async (url: string) => { calls.push(`open ${url}`) }
  }
}

describe('notification click', () => {
  it('focuses the focused Murmur window before any other', async () => {
    const c = clients([{ url: 'https://murmur.example/', focused: false }, { url: 'https://murmur.example/#/x', focused: true }])
    await focusOrOpenApp(c, 'https://murmur.example/')
    expect(c.calls).toEqual(['focus https://murmur.example/#/x'])
  })

  it('opens the app when no window of its origin is open', async () => {
    const c = clients([{ url: 'https://elsewhere.example/', focused: true }])
    await focusOrOpenApp(c, 'https://murmur.example/')
    expect(c.calls).toEqual(['open https://murmur.example/'])
  })

  it('says only that a message came', () => {
    expect(NEW_MESSAGE_NOTIFICATION.title).toBe('New message')
    expect(NEW_MESSAGE_NOTIFICATION.options.renotify).toBe(false)
    expect(NEW_MESSAGE_NOTIFICATION.options.tag).not.toBe('')
  })

  it('says it in each language the app has, with the same tag and no content', () => {
    expect(Object.keys(NOTIFICATION_TEXT).sort()).toEqual([...LOCALES].sort())
    const zh = newMessageNotification('zh-CN')
    expect(zh.title).toBe('新消息')
    expect(zh.options.body).toBe('打开 Murmur 查看。')
    expect(zh.options.tag).toBe(NEW_MESSAGE_NOTIFICATION.options.tag)
    expect(NEW_MESSAGE_NOTIFICATION.options.body).toBe('Open Murmur to read it.')
  })
})

describe('the language the worker writes in', () => {
  /** Cache Storage as far as the two sides use it, in memory. */
  function cacheStorage () {
    const caches = new Map<string, Map<string, Response>>()
    return {
      open: async (name: string) => {
        const cache = caches.get(name) ?? new Map<string, Response>()
        caches.set(name, cache)
        return { put: async (url: string, response: Response) => { cache.set(url, response) } }
      },
      match: async (url: string, options?: { cacheName?: string }) => caches.get(options?.cacheName ?? '')?.get(url)?.clone()
    }
  }

  it('is the one the page last stored, read from the same cache and URL', async () => {
    expect([pageSide.WORKER_LANGUAGE_CACHE, pageSide.WORKER_LANGUAGE_URL]).toEqual([WORKER_LANGUAGE_CACHE, WORKER_LANGUAGE_URL])
    const storage = cacheStorage()
    expect(await readWorkerLanguage(storage)).toBe('en')
    await pageSide.saveWorkerLanguage('zh-CN', storage as unknown as CacheStorage)
    expect(await readWorkerLanguage(storage)).toBe('zh-CN')
    await pageSide.saveWorkerLanguage('en', storage as unknown as CacheStorage)
    expect(await readWorkerLanguage(storage)).toBe('en')
  })

  it('is English when the stored value is not a language it has', async () => {
    const storage = cacheStorage()
    await pageSide.saveWorkerLanguage('toString', storage as unknown as CacheStorage)
    expect(await readWorkerLanguage(storage)).toBe('en')
  })
})
