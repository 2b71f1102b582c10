import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { Key, type Datastore } from 'interface-datastore'
import type { SendResult, RequestOptions, PushSubscription } from 'web-push'
import { webPush } from './web-push-lib.ts'
import type { VapidKeys } from './vapid-keys.ts'
import { PushRequestError, REVOKE_SECRET_BYTES, TOKEN_BYTES, type PushSubscriptionData } from './push-requests.ts'
import { checkEndpointHost, EndpointAddressError, PinnedAgent, systemResolve, type Resolve } from './endpoint-address.ts'
import { createRegistrationLimit } from './registration-limit.ts'
import { propertyOf } from '../../src/diagnostics/index.ts'

/** Datastore prefix of the gateway's records, beside kad-dht's `/dht/...`. */
export const PUSH_RECORD_PREFIX = '/murmur-push/subscription'
/**
 * Every push carries the same empty plaintext, encrypted per RFC 8291: it says "someone
 * wrote" and nothing else, so neither the push service nor the gateway learns who or what.
 */
const EMPTY_PAYLOAD = Buffer.alloc(0)
/** How long a push service keeps a push for a device that is off (RFC 8030 section 5.2). */
const PUSH_TTL_SECONDS = 24 * 60 * 60
/** A push service that answers slower than this is treated as failed. */
const SEND_TIMEOUT_MS = 15_000
const DAY_MS = 24 * 60 * 60 * 1000

export type SendPush = (subscription: PushSubscription, payload: Buffer, options: RequestOptions) => Promise<SendResult>

export interface PushGatewayInit {
  datastore: Datastore
  vapid: VapidKeys
  /** RFC 8292 `sub` claim: a mailto: or https: contact for the push service's operators. */
  subject: string
  /** At most one push per token per this many milliseconds. */
  minIntervalMs: number
  maxSubscriptions: number
  /** Registrations one IPv4 address or IPv6 /64 may make per hour. */
  registrationsPerIpPerHour?: number
  /** A registration neither poked nor renewed for this long is forgotten by `sweep`. */
  expireAfterMs?: number
  allowPrivateEndpoints: boolean
  /** How endpoint host names are resolved; tests inject one that never asks DNS. */
  resolve?: Resolve
  send?: SendPush
  /** Why a push failed, for the relay's log; the poker is told only that it failed. */
  onSendError?: (message: string) => void
  now?: () => number
  random?: (bytes: number) => Buffer
}

export interface PushCounters {
  sent: number
  errors: number
  rateLimited: number
  subscriptions: number
  /** Registrations refused by --push-registrations-per-ip, and forgotten as unused. */
  registrationsRefused: number
  expired: number
}

interface StoredSubscription {
  subscription: PushSubscriptionData
  /** SHA-256 of the revoke secret: the datastore alone cannot revoke anything. */
  revokeHash: string
  createdAt: number
  /** Last successful push or renewal (day precision is enough); createdAt until then. */
  usedAt?: number
}

export interface PushGateway {
  readonly allowPrivateEndpoints: boolean
  readonly vapidPublicKey: string
  /** `client` is the requester's address (relay/client-address.ts), for the per-address limit. */
  register: (subscription: PushSubscriptionData, client: string) => Promise<{ token: string, revokeSecret: string }>
  revoke: (token: string, revokeSecret: string) => Promise<void>
  /** The owner says it still wants its pushes: the registration does not expire. */
  renew: (token: string, revokeSecret: string) => Promise<void>
  poke: (token: string) => Promise<void>
  /** Forgets registrations unused for expireAfterMs; returns how many. */
  sweep: () => Promise<number>
  counters: () => PushCounters
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest()

/**
 * Records are keyed by a hash of the token, so a copy of the relay's disk holds no token
 * that could poke anyone; the token itself exists only in the browser that registered and
 * in what it gave its contacts.
 */
const recordKey = (token: string): Key => new Key(`${PUSH_RECORD_PREFIX}/${sha256(token).toString('hex')}`)
const decode = (bytes: Uint8Array): StoredSubscription => JSON.parse(new TextDecoder().decode(bytes)) as StoredSubscription
const encode = (record: StoredSubscription): Uint8Array => new TextEncoder().encode(JSON.stringify(record))

async function countRecords (datastore: Datastore): Promise<number> {
  let count = 0
  for await (const _ of datastore.queryKeys({ prefix: PUSH_RECORD_PREFIX })) count++
  return count
}

/**
 * The relay's Web Push gateway: keeps token -> PushSubscription, and on a poke sends an
 * empty, encrypted, VAPID-signed push (RFC 8291, RFC 8292) through the `web-push` library,
 * to the address the endpoint resolved to and was checked against (endpoint-address.ts).
 * It learns a token and a time, never a sender, a recipient's name or a message.
 */
export async function createPushGateway (init: PushGatewayInit): Promise<PushGateway> {
  const { datastore, vapid, subject, minIntervalMs, maxSubscriptions } = init
  const send = init.send ?? (async (s, p, o) => webPush.sendNotification(s, p, o))
  const resolve = init.resolve ?? systemResolve
  const now = init.now ?? Date.now
  const random = init.random ?? randomBytes
  const expireAfterMs = init.expireAfterMs ?? 60 * DAY_MS
  const counters: PushCounters = { sent: 0, errors: 0, rateLimited: 0, subscriptions: await countRecords(datastore), registrationsRefused: 0, expired: 0 }
  const registrationLimit = createRegistrationLimit(init.registrationsPerIpPerHour ?? 30, now)
  /** token key -> time of its last push; entries older than the interval are dropped. */
  const lastPush = new Map<string, number>()

  const load = async (token: string): Promise<StoredSubscription | undefined> => {
    const key = recordKey(token)
    if (!await datastore.has(key)) return undefined
    return decode(await datastore.get(key))
  }

  const forget = async (token: string): Promise<void> => {
    await datastore.delete(recordKey(token))
    counters.subscriptions = Math.max(0, counters.subscriptions - 1)
    lastPush.delete(recordKey(token).toString())
  }

  /** The record, once its owner has proved it holds the revoke secret. */
  const owned = async (token: string, revokeSecret: string): Promise<StoredSubscription> => {
    const record = await load(token)
    if (record == null) throw new PushRequestError(404, 'No push subscription has this token.')
    if (!timingSafeEqual(sha256(revokeSecret), Buffer.from(record.revokeHash, 'hex'))) {
      throw new PushRequestError(403, 'The revoke secret does not belong to this token; only the browser that registered it can revoke or renew it.')
    }
    return record
  }

  /** Marks a record used, writing at most once a day. */
  const touch = async (token: string, record: StoredSubscription): Promise<void> => {
    if (now() - (record.usedAt ?? record.createdAt) < DAY_MS) return
    await datastore.put(recordKey(token), encode({ ...record, usedAt: now() }))
  }

  /** Claims this token's slot, or throws 429 saying when to come back. */
  const claimSlot = (token: string): void => {
    const at = now()
    if (lastPush.size > 10_000) {
      for (const [k, t] of lastPush) if (at - t >= minIntervalMs) lastPush.delete(k)
    }
    const key = recordKey(token).toString()
    const previous = lastPush.get(key)
    if (previous != null && at - previous < minIntervalMs) {
      counters.rateLimited++
      const retryAfter = Math.ceil((minIntervalMs - (at - previous)) / 1000)
      throw new PushRequestError(429, `This token was poked less than ${Math.ceil(minIntervalMs / 1000)} s ago; one push already wakes its owner. Try again in ${retryAfter} s.`, { 'Retry-After': String(retryAfter) })
    }
    lastPush.set(key, at)
  }

  const failed = (why: string): PushRequestError => {
    counters.errors++
    init.onSendError?.(why)
    // What went wrong stays in the relay's log: the answer must not tell a prober anything
    // about what sits behind an endpoint (its status, its reachability).
    return new PushRequestError(502, 'The push service did not take the push; it was not sent.')
  }

  return {
    allowPrivateEndpoints: init.allowPrivateEndpoints,
    vapidPublicKey: vapid.publicKey,

    async register (subscription, client) {
      const retryAfter = registrationLimit(client)
      if (retryAfter != null) {
        counters.registrationsRefused++
        throw new PushRequestError(429, `Too many push registrations from this address in the last hour; try again in ${retryAfter} s.`, { 'Retry-After': String(retryAfter) })
      }
      if (counters.subscriptions >= maxSubscriptions) {
        throw new PushRequestError(503, 'This relay holds as many push subscriptions as it is configured for; try again later or use another relay.')
      }
      try {
        await checkEndpointHost(subscription.endpoint, resolve, init.allowPrivateEndpoints)
      } catch (err) {
        if (err instanceof EndpointAddressError) throw new PushRequestError(400, `subscription.endpoint: ${err.message}`)
        throw err
      }
      const token = random(TOKEN_BYTES).toString('base64url')
      const revokeSecret = random(REVOKE_SECRET_BYTES).toString('base64url')
      await datastore.put(recordKey(token), encode({ subscription, revokeHash: sha256(revokeSecret).toString('hex'), createdAt: now() }))
      counters.subscriptions++
      return { token, revokeSecret }
    },

    async revoke (token, revokeSecret) {
      await owned(token, revokeSecret)
      await forget(token)
    },

    async renew (token, revokeSecret) {
      await touch(token, await owned(token, revokeSecret))
    },

    async poke (token) {
      const record = await load(token)
      if (record == null) throw new PushRequestError(404, 'No push subscription has this token.')
      claimSlot(token)
      let agent: PinnedAgent
      try {
        // Checked again at every push: the name may resolve elsewhere since it registered.
        agent = new PinnedAgent(await checkEndpointHost(record.subscription.endpoint, resolve, init.allowPrivateEndpoints))
      } catch (err) {
        if (err instanceof EndpointAddressError) throw failed(err.message)
        throw err
      }
      try {
        await send(record.subscription, EMPTY_PAYLOAD, {
          TTL: PUSH_TTL_SECONDS,
          urgency: 'high',
          contentEncoding: 'aes128gcm',
          vapidDetails: { subject, publicKey: vapid.publicKey, privateKey: vapid.privateKey },
          timeout: SEND_TIMEOUT_MS,
          agent
        })
        counters.sent++
      } catch (err) {
        const statusCode = propertyOf(err, 'statusCode')
        // RFC 8030 section 7.3: 404 and 410 mean the subscription is gone for good.
        if (statusCode === 404 || statusCode === 410) {
          counters.errors++
          await forget(token)
          throw new PushRequestError(410, 'The push service says this subscription has expired; its owner must enable notifications again.')
        }
        throw failed(typeof statusCode === 'number' ? `a push service answered HTTP ${statusCode}` : `a push service could not be reached: ${String(propertyOf(err, 'message') ?? err)}`)
      } finally {
        agent.destroy()
      }
      await touch(token, record)
    },

    async sweep () {
      const cutoff = now() - expireAfterMs
      const stale: Key[] = []
      for await (const { key, value } of datastore.query({ prefix: PUSH_RECORD_PREFIX })) {
        let record: StoredSubscription
        try {
          record = decode(value)
        } catch {
          // Unreadable: nothing could ever push with it.
          stale.push(key)
          continue
        }
        if ((record.usedAt ?? record.createdAt) < cutoff) stale.push(key)
      }
      for (const key of stale) await datastore.delete(key)
      counters.expired += stale.length
      counters.subscriptions = Math.max(0, counters.subscriptions - stale.length)
      return stale.length
    },

    counters: () => ({ ...counters })
  }
}
