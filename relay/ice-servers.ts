// The ICE servers the relay hands to the app in /murmur-config.json. Nothing here has a
// default that points at a third party: with no --stun and no --turn the list is empty,
// and browsers on one network (or with public addresses) still connect directly.
import { createHmac, randomBytes } from 'node:crypto'
import type { IceTransportPolicy, PublicConfig } from './public-options.ts'

export interface TurnCredential {
  username: string
  credential: string
}

export interface IceServer {
  urls: string[]
  username?: string
  credential?: string
}

export interface IceConfiguration {
  iceServers: IceServer[]
  iceTransportPolicy: IceTransportPolicy
}

/**
 * A short-lived TURN credential, following the TURN REST API convention
 * (draft-uberti-behave-turn-rest-00 section 2.2, coturn's use-auth-secret): the username
 * is "<expiry as unix seconds>:<label>", the password base64(HMAC-SHA1(secret, username)).
 * The TURN server recomputes the password from the username and its copy of the secret,
 * and refuses the credential once the expiry has passed; the relay stores nothing.
 */
export function turnCredential (secret: string, expiresAt: number, label: string): TurnCredential {
  const username = `${Math.floor(expiresAt)}:${label}`
  const credential = createHmac('sha1', secret).update(username).digest('base64')
  return { username, credential }
}

/** A label per credential, so a TURN server's per-user quotas count tabs, not everyone at once. */
const randomLabel = (): string => randomBytes(9).toString('base64url')

/**
 * What /murmur-config.json says about ICE: STUN servers, and the TURN servers' URLs without
 * any credential. That file is served to anyone over plain HTTP, before libp2p: a
 * credential in it would be a credential for everyone. Tabs get TURN credentials over
 * libp2p, only while they hold a reservation here (relay/turn-service.ts).
 */
export function iceConfiguration (
  config: Pick<PublicConfig, 'stunUrls' | 'turnUrls' | 'iceTransportPolicy'>
): IceConfiguration {
  const iceServers: IceServer[] = []
  if (config.stunUrls.length > 0) iceServers.push({ urls: [...config.stunUrls] })
  if (config.turnUrls.length > 0) iceServers.push({ urls: [...config.turnUrls] })
  return { iceServers, iceTransportPolicy: config.iceTransportPolicy }
}

/** The TURN servers with a fresh credential, valid for the configured TTL from `now`. */
export function turnServers (
  config: Pick<PublicConfig, 'turnUrls' | 'turnSecret' | 'turnCredentialTtlSeconds'>,
  now: number = Date.now(),
  label: () => string = randomLabel
): IceServer[] {
  if (config.turnUrls.length === 0 || config.turnSecret == null) return []
  const expiresAt = Math.floor(now / 1000) + config.turnCredentialTtlSeconds
  return [{ urls: [...config.turnUrls], ...turnCredential(config.turnSecret, expiresAt, label()) }]
}
