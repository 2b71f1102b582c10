// The push gateway's options (relay/push/); config.ts lists them among its OPTIONS. `apply`
// fills config.push, created by the first one.
import { parseCount, parseInteger, parseVapidSubject, parseYesNo } from '../option-values.ts'
import type { OptionSpec } from '../config.ts'

/** The Web Push gateway (relay/push/). */
export interface PushConfig {
  /**
   * RFC 8292 `sub`: how a push service's operators reach whoever runs this relay, as
   * --vapid-subject gave it; unset, relay/push/vapid-subject.ts picks one.
   */
  vapidSubject?: string
  /** At most one push per token per this many seconds. */
  intervalSeconds: number
  maxSubscriptions: number
  /** Registrations one IPv4 address or IPv6 /64 may make per hour. */
  registrationsPerIpPerHour: number
  /** A registration neither poked nor renewed for this many days is forgotten. */
  expireAfterDays: number
  /** Accept endpoints on loopback and private addresses (tests, a push service on a private network). */
  allowPrivateEndpoints: boolean
}

export const PUSH_OPTIONS: readonly OptionSpec[] = [
  {
    flag: '--vapid-subject', env: 'MURMUR_VAPID_SUBJECT', fallback: 'auto',
    meaning: 'contact sent to push services with every push (RFC 8292 sub): a mailto: or https: URL of yours; auto = https://<--public-host> when that is set (the relay then asks you to set this), else mailto:postmaster@localhost, fine on loopback',
    apply: (c, v, s) => { c.push = { ...c.push, vapidSubject: v === 'auto' ? undefined : parseVapidSubject(v, s) } }
  },
  {
    flag: '--push-interval', env: 'MURMUR_PUSH_INTERVAL', fallback: '30',
    meaning: 'seconds between two pushes to one token; pokes in between are answered 429',
    apply: (c, v, s) => { c.push.intervalSeconds = parseInteger(v, s, 1, 86_400) }
  },
  {
    flag: '--push-max-subscriptions', env: 'MURMUR_PUSH_MAX_SUBSCRIPTIONS', fallback: '100000',
    meaning: 'push subscriptions kept at once; registrations beyond it are answered 503',
    apply: (c, v, s) => { c.push.maxSubscriptions = parseCount(v, s) }
  },
  {
    flag: '--push-registrations-per-ip', env: 'MURMUR_PUSH_REGISTRATIONS_PER_IP', fallback: '30',
    meaning: 'push registrations accepted per hour from one IPv4 address or IPv6 /64 (a browser registers once, again when notifications are turned back on); more are answered 429',
    apply: (c, v, s) => { c.push.registrationsPerIpPerHour = parseCount(v, s) }
  },
  {
    flag: '--push-expire-days', env: 'MURMUR_PUSH_EXPIRE_DAYS', fallback: '60',
    meaning: 'days after which a push registration neither poked nor renewed is forgotten (an open app renews its own daily)',
    apply: (c, v, s) => { c.push.expireAfterDays = parseInteger(v, s, 1, 3650) }
  },
  {
    flag: '--push-allow-private-endpoints', env: 'MURMUR_PUSH_ALLOW_PRIVATE_ENDPOINTS', fallback: 'no',
    meaning: 'yes: accept push endpoints on loopback or private addresses (tests only; otherwise anyone could make the relay probe its own network)',
    apply: (c, v, s) => { c.push.allowPrivateEndpoints = parseYesNo(v, s) }
  }
]
