import { describe, expect, it } from 'vitest'
import { focusOrOpenApp, NEW_MESSAGE_NOTIFICATION, type WindowLike } from '../../../src/sw/notification.ts'

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
})
