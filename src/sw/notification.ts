/**
 * What a push shows. Fixed words only: a push carries no content (the relay's gateway sends
 * an empty payload), and even if one did, the service worker would not read it. The tag
 * makes a second push replace the first notification instead of stacking, silently.
 */
export const NEW_MESSAGE_NOTIFICATION = {
  title: 'New message',
  options: {
    body: 'Open Murmur to read it.',
    tag: 'murmur-new-message',
    renotify: false,
    icon: '/icons/icon-192.png',
    badge: '/icons/icon-maskable-192.png'
  } satisfies NotificationOptions & { renotify: boolean }
} as const

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
