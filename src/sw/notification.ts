/**
 * What a push shows. Fixed words only: a push carries no content (the relay's gateway sends
 * an empty payload), and even if one did, the service worker would not read it. The tag
 * makes a second push replace the first notification instead of stacking, silently.
 *
 * The worker runs without the page, so it cannot use the page's message catalogue
 * (src/ui/i18n/): its two sentences are here, in each language the catalogue has. It writes
 * them in the language the page last chose (readWorkerLanguage), English when it knows none.
 */
export const NOTIFICATION_TEXT = {
  en: { title: 'New message', body: 'Open Murmur to read it.' },
  'zh-CN': { title: '新消息', body: '打开 Murmur 查看。' }
} as const satisfies Record<string, { title: string, body: string }>

export type NotificationLanguage = keyof typeof NOTIFICATION_TEXT

const NOTIFICATION_OPTIONS = {
  tag: 'murmur-new-message',
  renotify: false,
  icon: '/icons/icon-192.png',
  badge: '/icons/icon-maskable-192.png'
} as const satisfies NotificationOptions & { renotify: boolean }

export function newMessageNotification (language: NotificationLanguage): { title: string, options: NotificationOptions & { renotify: boolean } } {
  const text = NOTIFICATION_TEXT[language]
  return { title: text.title, options: { ...NOTIFICATION_OPTIONS, body: text.body } }
}

/** English: the notification as it was before languages, for callers that name none. */
export const NEW_MESSAGE_NOTIFICATION = newMessageNotification('en')

/**
 * Where the page leaves its language for the worker (src/app/pwa/worker-language.ts writes
 * it; the worker imports nothing from the app, so the two names are kept equal by a test).
 */
export const WORKER_LANGUAGE_CACHE = 'murmur-preferences'
export const WORKER_LANGUAGE_URL = '/murmur-preferences/language'

/** The language the page last chose; English when it never said or Cache Storage fails. */
export async function readWorkerLanguage (storage: Pick<CacheStorage, 'match'>): Promise<NotificationLanguage> {
  const response = await storage.match(WORKER_LANGUAGE_URL, { cacheName: WORKER_LANGUAGE_CACHE })
  const value = (await response?.text())?.trim()
  return value != null && Object.hasOwn(NOTIFICATION_TEXT, value) ? value as NotificationLanguage : 'en'
}

/** Told to open windows when a push arrives, so an open tab can fetch its mailboxes at once. */
export const PUSH_RECEIVED_MESSAGE = { type: 'murmur:push-received' } as const

export interface WindowLike {
  url: string
  focused?: boolean
  focus: () => Promise<unknown>
}

export interface ClientsLike {
  matchAll: (options: { type: 'window', includeUncontrolled: boolean }) => Promise<readonly WindowLike[]>
  openWindow: (url: string) => Promise<unknown>
}

/**
 * On a notification click: bring an open Murmur window forward (the focused one first, so
 * a click never steals focus to an older tab), or open the app when none is open.
 */
export async function focusOrOpenApp (clients: ClientsLike, appUrl: string): Promise<void> {
  const origin = new URL(appUrl).origin
  const windows = (await clients.matchAll({ type: 'window', includeUncontrolled: true }))
    .filter((w) => new URL(w.url).origin === origin)
  const target = windows.find((w) => w.focused === true) ?? windows[0]
  if (target != null) await target.focus()
  else await clients.openWindow(appUrl)
}
