/**
 * Trusted Types policies the app creates, and why each exists:
 * - `svelte-trusted-html`: Svelte 5 (>= 5.46) builds each template once from a constant
 *   string through `<template>.innerHTML`, and names this policy for it (svelte
 *   src/internal/client/dom/reconciler.js). The strings are compiled from our components,
 *   never from data; the app uses no `{@html}`.
 * - `murmur-sw`: `navigator.serviceWorker.register()` takes a TrustedScriptURL under
 *   `require-trusted-types-for 'script'`; src/app/pwa/trusted-sw-url.ts makes one for
 *   exactly `/sw.js` and refuses every other URL.
 */
export const TRUSTED_TYPES_POLICIES = ['svelte-trusted-html', 'murmur-sw'] as const

/**
 * The Content-Security-Policy the relay (and the Vite dev server) send with every response.
 * No inline script and no eval anywhere; DOM script sinks only through the policies above.
 * connect-src allows any ws:/wss: host because a tab dials whichever relays its contacts
 * use (their invites and presence records name them); a page served over https cannot open
 * ws: anyway (mixed content). WebRTC data channels are not governed by CSP at all.
 * It also allows https: to any host: after leaving mail in a contact's mailbox a tab pokes
 * that contact's push gateway, which is the relay that issued their token and can be any
 * relay in the world (src/app/push/push-poker.ts). That adds no new way out: a script that could
 * misuse it could already talk to any host over wss:, and script-src plus Trusted Types
 * keep foreign script out. Plain http: is not allowed beyond 'self': the push-token codec
 * accepts http gateways only on loopback, which only matters for development, where a
 * gateway is the relay that served the page ('self'). Two loopback relays over plain http
 * cannot poke each other's gateways; give them TLS (docs/SELF-HOSTING.md) for that.
 *
 * `dev` (Vite's dev server only) allows inline styles: Vite injects each module's CSS as a
 * <style> element. The built app loads its CSS from files.
 */
export function contentSecurityPolicy ({ dev = false }: { dev?: boolean } = {}): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self'${dev ? " 'unsafe-inline'" : ''}`,
    "img-src 'self'",
    "connect-src 'self' ws: wss: https:",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
    "require-trusted-types-for 'script'",
    `trusted-types ${TRUSTED_TYPES_POLICIES.join(' ')}`
  ].join('; ')
}
