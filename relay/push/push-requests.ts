import { createECDH } from 'node:crypto'
import { parseIp } from '../../src/core/ip-address.ts'
import { notPublicBecause } from './endpoint-address.ts'

/**
 * The push gateway's request bodies, checked where they enter. Every refusal is a
 * PushRequestError carrying the HTTP status and a sentence naming the field; nothing is
 * stored or sent before a body has passed these checks.
 */
export class PushRequestError extends Error {
  override name = 'PushRequestError'
  constructor (readonly status: number, message: string, readonly headers: Record<string, string> = {}) {
    super(message)
  }
}

/** What the gateway keeps of a browser's PushSubscription (PushSubscription.toJSON()). */
export interface PushSubscriptionData {
  endpoint: string
  keys: { p256dh: string, auth: string }
}

/** Push services hand out endpoints of a few hundred characters; this leaves room. */
const MAX_ENDPOINT_LENGTH = 1024
/** Unpadded base64url, as PushSubscription.toJSON() writes it. */
const BASE64URL = /^[A-Za-z0-9_-]+$/
/** 16 random bytes: the token a recipient hands to the people who write to it. */
export const TOKEN_BYTES = 16
/** 32 random bytes: proves ownership when revoking. */
export const REVOKE_SECRET_BYTES = 32

function object (value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value == null || Array.isArray(value)) {
    throw new PushRequestError(400, `${what} must be a JSON object.`)
  }
  return value as Record<string, unknown>
}

function base64url (value: unknown, field: string, bytes: number): string {
  if (typeof value !== 'string' || !BASE64URL.test(value) || Buffer.from(value, 'base64url').length !== bytes) {
    throw new PushRequestError(400, `${field} must be ${bytes} bytes in unpadded base64url.`)
  }
  return value
}

/**
 * Why an endpoint's host, read as written, is not a public push service: localhost names
 * (a trailing dot included) and non-public IP literals in any spelling. Names are judged
 * by what they resolve to when the gateway registers and sends (endpoint-address.ts).
 */
export function literalHostRefusal (hostname: string): string | undefined {
  const host = hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase()
  if (host === 'localhost' || host.endsWith('.localhost')) return 'localhost'
  const ip = parseIp(host)
  return ip == null ? undefined : notPublicBecause(ip)
}

function endpoint (value: unknown, allowPrivate: boolean): string {
  if (typeof value !== 'string' || value.length > MAX_ENDPOINT_LENGTH) {
    throw new PushRequestError(400, `subscription.endpoint must be a URL of at most ${MAX_ENDPOINT_LENGTH} characters.`)
  }
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new PushRequestError(400, 'subscription.endpoint is not a URL.')
  }
  // RFC 8030 section 8: push services are reached over TLS only.
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '') {
    throw new PushRequestError(400, 'subscription.endpoint must be an https: URL without credentials.')
  }
  // The gateway POSTs to whatever endpoint it is given: without this check anyone could
  // make the relay probe its own private network.
  const refusal = allowPrivate ? undefined : literalHostRefusal(url.hostname)
  if (refusal != null) {
    throw new PushRequestError(400, `subscription.endpoint points at a ${refusal} address, not a public push service.`)
  }
  return value
}

function p256Point (value: unknown): string {
  const key = base64url(value, 'subscription.keys.p256dh', 65)
  try {
    // Agreement with a throwaway key fails for anything that is not a point on P-256.
    const probe = createECDH('prime256v1')
    probe.generateKeys()
    probe.computeSecret(Buffer.from(key, 'base64url'))
  } catch {
    throw new PushRequestError(400, 'subscription.keys.p256dh is not a P-256 public key.')
  }
  return key
}

export function parseRegisterRequest (body: unknown, allowPrivateEndpoints: boolean): PushSubscriptionData {
  const subscription = object(object(body, 'The request body').subscription, 'subscription')
  const keys = object(subscription.keys, 'subscription.keys')
  return {
    endpoint: endpoint(subscription.endpoint, allowPrivateEndpoints),
    keys: { p256dh: p256Point(keys.p256dh), auth: base64url(keys.auth, 'subscription.keys.auth', 16) }
  }
}

export const parseRenewRequest = (body: unknown): { token: string, revokeSecret: string } => parseRevokeRequest(body)

export function parsePokeRequest (body: unknown): { token: string } {
  return { token: base64url(object(body, 'The request body').token, 'token', TOKEN_BYTES) }
}

export function parseRevokeRequest (body: unknown): { token: string, revokeSecret: string } {
  const fields = object(body, 'The request body')
  return {
    token: base64url(fields.token, 'token', TOKEN_BYTES),
    revokeSecret: base64url(fields.revokeSecret, 'revokeSecret', REVOKE_SECRET_BYTES)
  }
}
