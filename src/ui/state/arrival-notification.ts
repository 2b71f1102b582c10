/**
 * The page's own "New message" notification, for a message that arrives while the tab is
 * hidden. Content-free like the service worker's (src/sw/notification.ts): never who wrote or
 * what. It uses the worker's tag, so page and push notifications fold into one, and repeats
 * replace it silently. test/unit/ui/arrival-notification.test.ts keeps the tag equal to the
 * worker's (the UI may not import the worker).
 */
export const NEW_MESSAGE_TAG = 'murmur-new-message'

export interface ArrivalText { title: string, body: string }

export interface NotificationHost {
  visibilityState: () => DocumentVisibilityState
  permission: () => NotificationPermission | undefined
  /** The service worker's registration, when one is active: its notifications open the app on a click. */
  registration: () => Promise<Pick<ServiceWorkerRegistration, 'showNotification' | 'active'> | undefined>
  /** A plain page notification, when no worker runs. */
  show: (title: string, options: NotificationOptions) => void
}

export const browserNotificationHost: NotificationHost = {
  visibilityState: () => document.visibilityState,
  permission: () => typeof Notification === 'undefined' ? undefined : Notification.permission,
  registration: async () => 'serviceWorker' in navigator ? await navigator.serviceWorker.getRegistration() : undefined,
  show: (title, options) => { void new Notification(title, options) }
}

/** Shows "New message" if the tab is hidden and notifications are allowed; returns whether it did. */
export async function notifyArrival (text: ArrivalText, host: NotificationHost = browserNotificationHost): Promise<boolean> {
  if (host.visibilityState() !== 'hidden' || host.permission() !== 'granted') return false
  const options: NotificationOptions & { renotify: boolean } = {
    body: text.body, tag: NEW_MESSAGE_TAG, renotify: false, icon: '/icons/icon-192.png', badge: '/icons/icon-maskable-192.png'
  }
  const registration = await host.registration()
  if (registration?.active != null) await registration.showNotification(text.title, options)
  else host.show(text.title, options)
  return true
}
