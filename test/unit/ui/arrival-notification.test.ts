import { describe, expect, it } from 'vitest'
import { NEW_MESSAGE_TAG, notifyArrival, type NotificationHost } from '../../../src/ui/state/arrival-notification.ts'
import { previewOf } from '../../../src/ui/state/conversation-preview.ts'
import { createTranslator } from '../../../src/ui/i18n/catalogue.ts'
import { en } from '../../../src/ui/i18n/en.ts'
import { zhCN } from '../../../src/ui/i18n/zh-CN.ts'
import { NEW_MESSAGE_NOTIFICATION, NOTIFICATION_TEXT } from '../../../src/sw/notification.ts'

// The Notification API does not exist in Node: a host that records what would be shown.
function host (state: DocumentVisibilityState, permission: NotificationPermission, worker: boolean): NotificationHost & { shown: Array<{ via: string, title: string, options: NotificationOptions }> } {
  const shown: Array<{ via: string, title: string, options: NotificationOptions }> = []
  return {
    shown,
    visibilityState: () => state,
    permission: () => permission,
    registration: async () => worker
      ? { active: {} as ServiceWorker, showNotification: async (title: string, options?: NotificationOptions) => { shown.push({ via: 'worker', title, options: options ?? {} }) } }
      : undefined,
    show: (title, options) => { shown.push({ via: 'page', title, options }) }
  }
}

const text = { title: 'New message', body: 'Open Murmur to read it.' }

describe('notifyArrival', () => {
  it('shows "New message" only while hidden and allowed, through the worker when one runs', async () => {
    for (const [state, permission] of [['visible', 'granted'], ['hidden', 'default'], ['hidden', 'denied']] as const) {
      const h = host(state, permission, true)
      expect(await notifyArrival(text, h)).toBe(false)
      expect(h.shown).toEqual([])
    }
    const viaWorker = host('hidden', 'granted', true)
    expect(await notifyArrival(text, viaWorker)).toBe(true)
    expect(viaWorker.shown.map((s) => [s.via, s.title, s.options.body, s.options.tag])).toEqual([['worker', 'New message', 'Open Murmur to read it.', NEW_MESSAGE_TAG]])
    const viaPage = host('hidden', 'granted', false)
    await notifyArrival(text, viaPage)
    expect(viaPage.shown.map((s) => s.via)).toEqual(['page'])
  })

  it('uses the worker\'s tag and words, in both languages, so page and push fold into one', () => {
    expect(NEW_MESSAGE_TAG).toBe(NEW_MESSAGE_NOTIFICATION.options.tag)
    expect({ title: en['unread.notificationTitle'], body: en['unread.notificationBody'] }).toEqual(NOTIFICATION_TEXT.en)
    expect({ title: zhCN['unread.notificationTitle'], body: zhCN['unread.notificationBody'] }).toEqual(NOTIFICATION_TEXT['zh-CN'])
  })
})

describe('previewOf', () => {
  const { t } = createTranslator('en', en)
  const item = { id: 'a', order: [1, 'a'] as const, at: 1, unread: false }
  it('puts a message on one line, marks our own, and words an unreadable one', () => {
    expect(previewOf(undefined, t)).toBeUndefined()
    expect(previewOf({ ...item, text: 'two\n\nlines  here', mine: false }, t)).toBe('two lines here')
    expect(previewOf({ ...item, text: 'hi', mine: true }, t)).toBe('You: hi')
    expect(previewOf({ ...item, text: undefined, mine: false }, t)).toBe(en['group.waitingForKey'])
    expect(previewOf({ ...item, text: 'x'.repeat(5000), mine: false }, t)!.length).toBeLessThanOrEqual(200)
  })

  it('says the unread count with plural forms', () => {
    expect(t('unread.badge', { count: 1 })).toBe('1 unread message')
    expect(t('unread.badge', { count: 3 })).toBe('3 unread messages')
    expect(t('composer.tooLong', { count: 10000, max: 4000 })).toContain('That is 10,000 characters; a message holds at most 4,000.')
  })
})
