import { trustedServiceWorkerUrl } from './trusted-sw-url.ts'

export interface ServiceWorkerHandle {
  registration: ServiceWorkerRegistration
}

export interface ServiceWorkerEvents {
  /** A new version is installed and waiting; `apply` activates it and reloads the page. */
  onUpdateWaiting: (apply: () => void) => void
  /** A push arrived while this tab is open: fetch the mailboxes now. */
  onPushReceived?: () => void
}

/**
 * Registers Murmur's service worker through workbox-window (loaded lazily: it is not on the
 * first-paint path). A new version waits until the person chooses "Reload to update": only
 * then does the page post SKIP_WAITING, and it reloads once the new worker controls it.
 * Returns undefined where service workers are unavailable (non-secure origin, some private
 * windows), which leaves the app working online only.
 */
export async function startServiceWorker (events: ServiceWorkerEvents): Promise<ServiceWorkerHandle | undefined> {
  if (!('serviceWorker' in navigator)) return undefined
  const { Workbox } = await import('workbox-window')
  const workbox = new Workbox(trustedServiceWorkerUrl(), { scope: '/' })
  workbox.addEventListener('waiting', () => {
    events.onUpdateWaiting(() => {
      workbox.addEventListener('controlling', () => { location.reload() })
      workbox.messageSkipWaiting()
    })
  })
  navigator.serviceWorker.addEventListener('message', (event) => {
    if ((event.data as { type?: unknown } | null)?.type === 'murmur:push-received') events.onPushReceived?.()
  })
  const registration = await workbox.register()
  return registration == null ? undefined : { registration }
}
