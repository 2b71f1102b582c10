import type { CDPSession, Page } from 'playwright-core'

export async function waitForController (page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker.controller != null, undefined, { timeout: 60_000 })
}

/**
 * The id DevTools gives the app's service worker registration, once its worker is
 * activated (a push delivered to a registration without an active worker is dropped).
 */
export async function registrationId (cdp: CDPSession, origin: string): Promise<string> {
  const scopes = new Map<string, string>()
  const activated = new Set<string>()
  const found = new Promise<string>((resolve) => {
    const check = (): void => {
      for (const [id, scope] of scopes) if (scope.startsWith(origin) && activated.has(id)) resolve(id)
    }
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      for (const r of registrations) if (!r.isDeleted) scopes.set(r.registrationId, r.scopeURL)
      check()
    })
    cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
      for (const v of versions) if (v.status === 'activated') activated.add(v.registrationId)
      check()
    })
  })
  await cdp.send('ServiceWorker.enable')
  return found
}
