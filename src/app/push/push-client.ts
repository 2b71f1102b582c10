import type { SettingStore } from '../../core/ports/index.ts'
import { propertyOf } from '../../diagnostics/index.ts'
import { ReasonedError } from '../../core/errors.ts'

/**
 * Web Push for Murmur, the browser's half: subscribe with the relay's VAPID key, register
 * the subscription with the relay's push gateway (relay/push/, docs/PROTOCOL.md "Push
 * gateway"), keep the opaque token in the profile's sealed store, and poke a contact's
 * token after writing to their mailbox. The token says nothing about who holds it; the
 * gateway sees a token and a time, the push service an empty encrypted push.
 */

/** This profile's registration with a relay's push gateway, a sealed setting of the profile. */
export interface StoredPushRegistration {
  /** Origin of the relay whose gateway holds the subscription, e.g. https://relay.example */
  gatewayOrigin: string
  /** The opaque token contacts poke to wake this profile. */
  token: string
  /** Proves to the gateway that this profile may revoke the token. */
  revokeSecret: string
  /** The push service endpoint it was made for. */
  endpoint: string
  createdAt: number
  /** When the gateway last heard that this profile still wants its pushes (/push/renew). */
  renewedAt?: number
}

/** The profile setting (MessengerStore.saveSetting) that holds the registration; null when none. */
export const PUSH_REGISTRATION_SETTING = 'push-registration'

type SettingsStore = SettingStore

export async function loadPushRegistration (store: SettingsStore): Promise<StoredPushRegistration | undefined> {
  return (await store.loadSetting<StoredPushRegistration | null>(PUSH_REGISTRATION_SETTING)) ?? undefined
}

export type PushUnavailableReason =
  | 'unsupported' // no Notification or PushManager
  | 'no-gateway' // the relay runs no push gateway
  | 'blocked' // the person (or the browser) refused the permission
  | 'no-service-worker'
  | 'no-push-service' // the browser's push service never answered

/** Notifications cannot work here; the message says why and what to do. */
export class PushUnavailableError extends ReasonedError<PushUnavailableReason> {
  override name = 'PushUnavailableError'
}

/** The gateway refused or failed a request; `status` is its HTTP status. */
export class PushGatewayError extends Error {
  override name = 'PushGatewayError'
  constructor (readonly status: number, message: string) {
    super(message)
  }
}

/** Headless and de-Googled browsers never answer pushManager.subscribe(): do not hang. */
export const SUBSCRIBE_TIMEOUT_MS = 10_000

export interface PushClientInit {
  store: SettingsStore
  /** From /murmur-config.json; undefined when the relay runs no push gateway. */
  vapidPublicKey: string | undefined
  /** Origin of the relay whose gateway to register with (the one that served the app). */
  gatewayOrigin: string
  /** The service worker's registration (src/app/pwa/service-worker.ts). */
  serviceWorker: () => Promise<ServiceWorkerRegistration | undefined>
  requestPermission?: () => Promise<NotificationPermission>
  fetch?: typeof fetch
  now?: () => number
  subscribeTimeoutMs?: number
  /** A revoke of a replaced token failed: harmless (the token wakes nobody once its subscription is gone), worth a log line. */
  onRevokeFailed?: (err: unknown) => void
}

export interface PushClient {
  /**
   * Asks for notification permission (call it from a click), subscribes with the relay's
   * VAPID key, registers with the gateway and stores the token. Throws PushUnavailableError
   * or PushGatewayError with a sentence for the person.
   */
  enableNotifications: () => Promise<{ token: string }>
  /** The stored token, to hand to contacts inside the encrypted sessions. */
  currentPushToken: () => Promise<string | undefined>
  /** Revokes the token at the gateway (best effort), unsubscribes and forgets it. */
  disableNotifications: () => Promise<void>
}

function base64urlToBytes (text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
  return Uint8Array.from(binary, (c) => c.charCodeAt(0))
}

function sameBytes (a: ArrayBuffer | null, b: Uint8Array): boolean {
  if (a == null || a.byteLength !== b.length) return false
  const view = new Uint8Array(a)
  return view.every((x, i) => x === b[i])
}

async function withTimeout<T> (promise: Promise<T>, ms: number, error: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    return await Promise.race([promise, new Promise<never>((_resolve, reject) => { timer = setTimeout(() => { reject(error()) }, ms) })])
  } finally {
    clearTimeout(timer)
  }
}

async function postJson (fetchFn: typeof fetch, url: string, body: unknown, signal?: AbortSignal): Promise<{ status: number, json: unknown }> {
  let response: Response
  try {
    response = await fetchFn(url, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), signal, cache: 'no-store'
    })
  } catch (err) {
    if ((err as Error)?.name === 'AbortError') throw err
    throw new PushGatewayError(0, 'The relay\'s push gateway could not be reached; check the connection and try again.')
  }
  return { status: response.status, json: await response.json().catch(() => undefined) }
}

function gatewayError (status: number, json: unknown): PushGatewayError {
  const error = propertyOf(json, 'error')
  const reason = typeof error === 'string' ? error : `it answered HTTP ${status}`
  return new PushGatewayError(status, `The relay's push gateway refused: ${reason}`)
}

export function createPushClient (init: PushClientInit): PushClient {
  const fetchFn = init.fetch ?? globalThis.fetch.bind(globalThis)
  const now = init.now ?? Date.now
  const requestPermission = init.requestPermission ?? (async () => Notification.requestPermission())
  const timeoutMs = init.subscribeTimeoutMs ?? SUBSCRIBE_TIMEOUT_MS

  const revoke = async (registration: StoredPushRegistration): Promise<void> => {
    // A revoke that fails leaves a token that wakes nobody once the subscription is gone.
    await postJson(fetchFn, `${registration.gatewayOrigin}/push/revoke`,
      { token: registration.token, revokeSecret: registration.revokeSecret }).catch((err: unknown) => { init.onRevokeFailed?.(err) })
  }

  return {
    async enableNotifications () {
      if (typeof Notification === 'undefined' || typeof PushManager === 'undefined') {
        throw new PushUnavailableError('unsupported', 'This browser cannot show notifications from a web app.')
      }
      if (init.vapidPublicKey == null) {
        throw new PushUnavailableError('no-gateway', 'This relay runs no push gateway, so Murmur cannot wake you when it is closed.')
      }
      if (await requestPermission() !== 'granted') {
        throw new PushUnavailableError('blocked', 'Notifications are blocked for Murmur: allow them in the browser\'s site settings, then try again.')
      }
      const sw = await init.serviceWorker()
      if (sw == null) throw new PushUnavailableError('no-service-worker', 'Murmur\'s service worker is not running, so it cannot receive pushes. Reload and try again.')

      const serverKey = base64urlToBytes(init.vapidPublicKey)
      let subscription = await sw.pushManager.getSubscription()
      // A subscription made with another relay's key cannot carry this gateway's pushes.
      if (subscription != null && !sameBytes(subscription.options.applicationServerKey, serverKey)) {
        await subscription.unsubscribe()
        subscription = null
      }
      subscription ??= await withTimeout(
        sw.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: serverKey }),
        timeoutMs,
        () => new PushUnavailableError('no-push-service', 'The browser\'s push service did not answer, so notifications are not available in this browser. Murmur still works while it is open.'))

      const { status, json } = await postJson(fetchFn, `${init.gatewayOrigin}/push/register`, { subscription: subscription.toJSON() })
      const token = propertyOf(json, 'token')
      const revokeSecret = propertyOf(json, 'revokeSecret')
      if (status !== 201 || typeof token !== 'string' || typeof revokeSecret !== 'string') throw gatewayError(status, json)
      const previous = await loadPushRegistration(init.store)
      await init.store.saveSetting(PUSH_REGISTRATION_SETTING, {
        gatewayOrigin: init.gatewayOrigin,
        token,
        revokeSecret,
        endpoint: subscription.endpoint,
        createdAt: now()
      } satisfies StoredPushRegistration)
      if (previous != null && previous.token !== token) await revoke(previous)
      return { token }
    },

    async currentPushToken () {
      return (await loadPushRegistration(init.store))?.token
    },

    async disableNotifications () {
      const registration = await loadPushRegistration(init.store)
      if (registration != null) await revoke(registration)
      const sw = await init.serviceWorker()
      await (await sw?.pushManager.getSubscription())?.unsubscribe()
      await init.store.saveSetting(PUSH_REGISTRATION_SETTING, null)
    }
  }
}

/** sent: a push is on its way; recently-sent: one went within the gateway's interval, which wakes them just as well. */
export type PokeOutcome = 'sent' | 'recently-sent'

/**
 * Asks a gateway to wake the holder of `token` (a contact's token, received inside the
 * encrypted session). Throws PushGatewayError for an unknown (404) or expired (410) token,
 * a refused body (400) or a failed push service (502).
 */
export async function pokePushToken (
  gatewayOrigin: string,
  token: string,
  options: { signal?: AbortSignal, fetch?: typeof fetch } = {}
): Promise<PokeOutcome> {
  const { status, json } = await postJson(options.fetch ?? globalThis.fetch.bind(globalThis), `${gatewayOrigin}/push/poke`, { token }, options.signal)
  if (status === 200) return 'sent'
  if (status === 429) return 'recently-sent'
  throw gatewayError(status, json)
}

/** How often an open app tells the gateway it still wants its pushes (the gateway forgets a registration unused for --push-expire-days, 60 by default). */
export const PUSH_RENEW_INTERVAL_MS = 24 * 60 * 60 * 1000

export type RenewOutcome = 'none' | 'not-due' | 'renewed' | 'forgotten'

/**
 * Tells the gateway this profile's registration is still wanted, at most once a day. When
 * the gateway has forgotten it (404), the registration is dropped here too: its token wakes
 * nobody, and Settings then offers to enable notifications again. Throws PushGatewayError
 * on any other refusal or when the gateway cannot be reached.
 */
export async function renewPushRegistration (
  store: SettingsStore,
  options: { fetch?: typeof fetch, now?: () => number } = {}
): Promise<RenewOutcome> {
  const now = options.now ?? Date.now
  const registration = await loadPushRegistration(store)
  if (registration == null) return 'none'
  if (now() - (registration.renewedAt ?? registration.createdAt) < PUSH_RENEW_INTERVAL_MS) return 'not-due'
  const { status, json } = await postJson(options.fetch ?? globalThis.fetch.bind(globalThis), `${registration.gatewayOrigin}/push/renew`,
    { token: registration.token, revokeSecret: registration.revokeSecret })
  if (status === 404) {
    await store.saveSetting(PUSH_REGISTRATION_SETTING, null)
    return 'forgotten'
  }
  if (status !== 200) throw gatewayError(status, json)
  await store.saveSetting(PUSH_REGISTRATION_SETTING, { ...registration, renewedAt: now() } satisfies StoredPushRegistration)
  return 'renewed'
}
