// The VAPID "sub" claim (RFC 8292 section 2.1): a mailto: or https: URI by which the
// operators of a push service can reach whoever runs this relay. Only the operator knows
// a good one, so --vapid-subject has no fixed default; this picks one from what the relay
// knows about itself and says when the operator should set it.
import type { RelayConfig } from '../config.ts'

/**
 * For a relay on loopback: the machine's own postmaster (RFC 5321 section 4.5.1). Push
 * services that accept any well-formed subject (Google's, Mozilla's) take it; Apple's
 * refuses localhost subjects, which only the operator can fix, with an address of theirs.
 */
export const LOOPBACK_VAPID_SUBJECT = 'mailto:postmaster@localhost'

export interface VapidSubjectChoice {
  subject: string
  /** One line for the operator, logged once at start; absent when nothing needs saying. */
  notice?: string
}

type SubjectConfig = Pick<RelayConfig, 'host' | 'port' | 'announce' | 'publicHost' | 'tlsCertFile'> & {
  push: { vapidSubject?: string }
}

const ASK = 'set --vapid-subject (MURMUR_VAPID_SUBJECT) to a mailto: or https: address where you can be reached'

function isLoopback (host: string): boolean {
  return host === '::1' || /^127\./.test(host)
}

/** The https origin people open the app at: the relay's own port with its certificate, else a proxy's 443. */
function publicOrigin (host: string, port: number, ownTls: boolean): string {
  const url = new URL(`https://${host.includes(':') ? `[${host}]` : host}`)
  if (ownTls) url.port = String(port)
  return url.origin
}

export function chooseVapidSubject (config: SubjectConfig): VapidSubjectChoice {
  const given = config.push.vapidSubject
  if (given != null) return { subject: given }
  if (config.publicHost != null) {
    const subject = publicOrigin(config.publicHost, config.port, config.tlsCertFile != null)
    return { subject, notice: `push: no --vapid-subject, so push services are given ${subject} as this relay's contact; ${ASK}` }
  }
  // Bound beyond loopback or announcing addresses: meant for other people's browsers.
  if (!isLoopback(config.host) || config.announce.length > 0) {
    return {
      subject: LOOPBACK_VAPID_SUBJECT,
      notice: `push: no --vapid-subject, so push services are given ${LOOPBACK_VAPID_SUBJECT}, which Apple's refuses; ${ASK}`
    }
  }
  return { subject: LOOPBACK_VAPID_SUBJECT }
}
