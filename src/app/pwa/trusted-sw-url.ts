/** The one script URL Murmur registers as its service worker (vite-plugin-pwa writes it). */
export const SERVICE_WORKER_URL = '/sw.js'

interface TrustedTypesLike {
  createPolicy: (name: string, rules: { createScriptURL: (url: string) => string }) => { createScriptURL: (url: string) => unknown }
}

/**
 * Under `require-trusted-types-for 'script'` (relay/content-security-policy.ts),
 * `navigator.serviceWorker.register()` takes only a TrustedScriptURL. This policy makes one
 * for exactly SERVICE_WORKER_URL and throws for anything else, so no other code path can
 * use it to load a script. Browsers without Trusted Types get the plain string.
 */
export function trustedServiceWorkerUrl (trustedTypes: TrustedTypesLike | undefined = (globalThis as { trustedTypes?: TrustedTypesLike }).trustedTypes): string {
  if (trustedTypes == null) return SERVICE_WORKER_URL
  const policy = trustedTypes.createPolicy('murmur-sw', {
    createScriptURL: (url) => {
      if (url !== SERVICE_WORKER_URL) throw new TypeError(`murmur-sw policy: ${url} is not Murmur's service worker.`)
      return url
    }
  })
  // Typed as string for workbox-window, which accepts `string | TrustedScriptURL`.
  return policy.createScriptURL(SERVICE_WORKER_URL) as string
}
