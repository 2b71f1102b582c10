/**
 * What a contact's "wake me" note may hold (chat payload kind 4, docs/PROTOCOL.md "Push
 * token"): the origin of the push gateway that issued the token, and the token. Both come
 * from another person, so both are checked before anything is stored or contacted: the
 * gateway is where our browser will POST, the token what it posts.
 */

/** Gateways hand out 22-character tokens; this leaves room without letting a note grow. */
export const PUSH_FIELD_MAX_BYTES = 256

const LOOPBACK_HOST = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])$/

/**
 * An https origin (scheme, host, optional port; no path, user or query), or http on
 * loopback, where a relay runs for development and tests. Anything else (http to a public
 * host, javascript:, a path that could aim the POST at another endpoint) is refused.
 */
export function isPushGateway (origin: unknown): origin is string {
  if (typeof origin !== 'string' || origin.length === 0 || new TextEncoder().encode(origin).length > PUSH_FIELD_MAX_BYTES) return false
  let url: URL
  try {
    url = new URL(origin)
  } catch {
    return false
  }
  if (url.origin !== origin) return false
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOST.test(url.hostname))
}

/** Unpadded base64url, as the gateway writes it. */
export function isPushToken (token: unknown): token is string {
  return typeof token === 'string' && token.length > 0 && token.length <= PUSH_FIELD_MAX_BYTES && /^[A-Za-z0-9_-]+$/.test(token)
}

/** Both empty withdraws an earlier note; otherwise both must be valid. */
export function isPushNote (gateway: unknown, token: unknown): boolean {
  if (gateway === '' && token === '') return true
  return isPushGateway(gateway) && isPushToken(token)
}
