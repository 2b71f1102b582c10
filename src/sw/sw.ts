/// <reference lib="webworker" />
// Murmur's service worker: precaches the app shell (Workbox), so the app opens with no
// network; shows a content-free notification on a push; opens the app on a click.
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching'
import { NavigationRoute, registerRoute } from 'workbox-routing'
import { clientsClaim } from 'workbox-core'
import { focusOrOpenApp, newMessageNotification, PUSH_RECEIVED_MESSAGE, readWorkerLanguage } from './notification.ts'

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<string | { url: string, revision: string | null }> }

precacheAndRoute(self.__WB_MANIFEST)
cleanupOutdatedCaches()
// Every app route (an invite link's path, a reload on /something) is the same index.html.
// The relay's own endpoints are never answered from the cache.
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), {
  denylist: [/^\/(health|metrics|push\/|murmur-config\.json)/]
}))

// The first install takes the open tab at once (nothing older is running). A later version
// waits until the person clicks "Reload to update": the page then posts SKIP_WAITING. A
// blind skipWaiting would swap code under a tab in the middle of a conversation.
clientsClaim()
self.addEventListener('message', (event) => {
  if ((event.data as { type?: unknown } | null)?.type === 'SKIP_WAITING') void self.skipWaiting()
})

self.addEventListener('push', (event) => {
  // event.data is ignored on purpose: a push says only "someone wrote".
  event.waitUntil((async () => {
    // In the language the page last chose; a failed read still shows the notification, in English.
    const language = await readWorkerLanguage(self.caches).catch((err: unknown) => {
      console.warn('Murmur: the chosen language could not be read', err)
      return 'en' as const
    })
    const notification = newMessageNotification(language)
    await self.registration.showNotification(notification.title, notification.options)
    for (const client of await self.clients.matchAll({ type: 'window' })) client.postMessage(PUSH_RECEIVED_MESSAGE)
  })())
})

self.addEventListener('notificationclick', (event) => {
  event.notification.close()
  event.waitUntil(focusOrOpenApp(self.clients, new URL('/', self.location.origin).href))
})
