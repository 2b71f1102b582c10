import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { Key, type Datastore } from 'interface-datastore'
import type { SendResult, RequestOptions, PushSubscription } from 'web-push'
import { webPush } from './web-push-lib.ts'
import type { VapidKeys } from './vapid-keys.ts'
import { PushRequestError, REVOKE_SECRET_BYTES, TOKEN_BYTES, type PushSubscriptionData } from './push-requests.ts'
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

export type SendPush = (subscription: PushSubscription, payload: Buffer, options: RequestOptions) => Promise<SendResult>

export interface PushGatewayInit {
  datastore: Datastore
  vapid: VapidKeys
  /** RFC 8292 `sub` claim: a mailto: or https: contact for the push service's operators. */
  subject: string
  /** At most one push per token per this many milliseconds. */
  minIntervalMs: number
  maxSubscriptions: number
  allowPrivateEndpoints: boolean
  send?: SendPush
  now?: () => number
  random?: (bytes: number) => Buffer
}

export interface PushCounters {
  sent: number
  errors: number
  rateLimited: number
  subscriptions: number
}

interface StoredSubscription {
  subscription: PushSubscriptionData
  /** SHA-256 of the revoke secret: the datastore alone cannot revoke anything. */
  revokeHash: string
  createdAt: number
}

export interface PushGateway {
  readonly allowPrivateEndpoints: boolean
  readonly vapidPublicKey: string
  register: (subscription: PushSubscriptionData) => Promise<{ token: string, revokeSecret: string }>
  revoke: (token: string, revokeSecret: string) => Promise<void>
  poke: (token: string) => Promise<void>
  counters: () => PushCounters
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest()

/**
 * Records are keyed by a hash of the token, so a copy of the relay's disk holds no token
 * that could poke anyone; the token itself exists only in the browser that registered and
 * in what it gave its contacts.
 */
const recordKey = (token: string): Key => new Key(`${PUSH_RECORD_PREFIX}/${sha256(token).toString('hex')}`)

async function countRecords (datastore: Datastore): Promise<number> {
  let count = 0
  for await (const _ of datastore.queryKeys({ prefix: PUSH_RECORD_PREFIX })) count++
  return count
}

/**
 * The relay's Web Push gateway: keeps token -> PushSubscription, and on a poke sends an
 * empty, encrypted, VAPID-signed push (RFC 8291, RFC 8292) through the `web-push` library.
 * It learns a token and a time, never a sender, a recipient's name or a message.
 */
export async function createPushGateway (init: PushGatewayInit): Promise<PushGateway> {
  const { datastore, vapid, subject, minIntervalMs, maxSubscriptions } = init
  const send = init.send ?? (async (s, p, o) => webPush.sendNotification(s, p, o))
  const now = init.now ?? Date.now
  const random = init.random ?? randomBytes
  const counters: PushCounters = { sent: 0, errors: 0, rateLimited: 0, subscriptions: await countRecords(datastore) }
  /** token key -> time of its last push; entries older than the interval are dropped. */
  const lastPush = new Map<string, number>()

  const load = async (token: string): Promise<StoredSubscription | undefined> => {
    const key = recordKey(token)
    if (!await datastore.has(key)) return undefined
    return JSON.parse(new TextDecoder().decode(await datastore.get(key))) as StoredSubscription
  }

  const forget = async (token: string): Promise<void> => {
    await datastore.delete(recordKey(token))
    counters.subscriptions = Math.max(0, counters.subscriptions - 1)
    lastPush.delete(recordKey(token).toString())
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

  return {
    allowPrivateEndpoints: init.allowPrivateEndpoints,
    vapidPublicKey: vapid.publicKey,

    async register (subscription) {
      if (counters.subscriptions >= maxSubscriptions) {
        throw new PushRequestError(503, 'This relay holds as many push subscriptions as it is configured for; try again later or use another relay.')
      }
      const token = random(TOKEN_BYTES).toString('base64url')
      const revokeSecret = random(REVOKE_SECRET_BYTES).toString('base64url')
      const record: StoredSubscription = { subscription, revokeHash: sha256(revokeSecret).toString('hex'), createdAt: now() }
      await datastore.put(recordKey(token), new TextEncoder().encode(JSON.stringify(record)))
      counters.subscriptions++
      return { token, revokeSecret }
    },

    async revoke (token, revokeSecret) {
      const record = await load(token)
      if (record == null) throw new PushRequestError(404, 'No push subscription has this token.')
      const expected = Buffer.from(record.revokeHash, 'hex')
      if (!timingSafeEqual(sha256(revokeSecret), expected)) {
        throw new PushRequestError(403, 'The revoke secret does not belong to this token; only the browser that registered it can revoke it.')
      }
      await forget(token)
    },

    async poke (token) {
      const record = await load(token)
      if (record == null) throw new PushRequestError(404, 'No push subscription has this token.')
      claimSlot(token)
      try {
        await send(record.subscription, EMPTY_PAYLOAD, {
          TTL: PUSH_TTL_SECONDS,
          urgency: 'high',
          contentEncoding: 'aes128gcm',
          vapidDetails: { subject, publicKey: vapid.publicKey, privateKey: vapid.privateKey },
          timeout: SEND_TIMEOUT_MS
        })
        counters.sent++
      } catch (err) {
        counters.errors++
        const statusCode = propertyOf(err, 'statusCode')
        // RFC 8030 section 7.3: 404 and 410 mean the subscription is gone for good.
        if (statusCode === 404 || statusCode === 410) {
          await forget(token)
          throw new PushRequestError(410, 'The push service says this subscription has expired; its owner must enable notifications again.')
        }
        const status = typeof statusCode === 'number' ? `answered HTTP ${statusCode}` : 'could not be reached'
        throw new PushRequestError(502, `The push service ${status}; the push was not sent.`)
      }
    },

    counters: () => ({ ...counters })
  }
}
