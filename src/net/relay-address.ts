import { multiaddr } from '@multiformats/multiaddr'

/** The parts of `location` the relay addresses depend on. */
export interface PageOrigin {
  protocol: string
  hostname: string
  port: string
}

const IP_HOST = new Set(['ip4', 'ip6'])
const DNS_HOST = new Set(['dns', 'dns4', 'dns6', 'dnsaddr'])

function hostPart (hostname: string): string {
  const bare = hostname.replace(/^\[(.*)\]$/, '$1')
  if (bare.includes(':')) return `/ip6/${bare}`
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(bare)) return `/ip4/${bare}`
  return `/dns4/${bare}`
}

/**
 * The relay addresses a page can dial. A page served over https may only open wss
 * connections, to a name its certificate covers, so on such a page:
 * - a wss address on a DNS name was configured by the operator (--public-host,
 *   --announce): kept as it is;
 * - a wss address on an IP address (the relay's own listening address with --tls-cert)
 *   gets the page's host name instead, on the same port;
 * - a plain ws address (a relay behind a TLS proxy that announces nothing) becomes wss on
 *   the page's own host and port, where the proxy passes websocket upgrades to the relay.
 * Over http (loopback, a LAN) every address stays as the relay gave it.
 */
export function relayAddrsForPage (relays: readonly string[], page: PageOrigin): string[] {
  if (page.protocol !== 'https:') return [...relays]
  const out: string[] = []
  for (const relay of relays) {
    const parts = multiaddr(relay).getComponents()
    const host = parts[0]
    const peer = parts.findLast((c) => c.name === 'p2p')?.value
    const secure = parts.some((c) => c.name === 'wss' || c.name === 'tls')
    const port = parts.find((c) => c.name === 'tcp')?.value
    let derived: string
    if (secure && host != null && DNS_HOST.has(host.name)) {
      derived = relay
    } else if (secure && host != null && IP_HOST.has(host.name) && port != null) {
      derived = `${hostPart(page.hostname)}/tcp/${port}/tls/ws`
    } else {
      derived = `${hostPart(page.hostname)}/tcp/${page.port === '' ? '443' : page.port}/tls/ws`
    }
    if (derived !== relay && peer != null) derived += `/p2p/${peer}`
    if (!out.includes(derived)) out.push(derived)
  }
  return out
}
