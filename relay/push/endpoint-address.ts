import { lookup } from 'node:dns/promises'
import { Agent, type RequestOptions } from 'node:https'
import type { Duplex } from 'node:stream'
import { isIP } from 'node:net'
import { formatIp, inPrefix, parseIp, unmapIpv4, type IpBytes } from '../../src/core/ip-address.ts'

// Where the push gateway may send a push (issue 15 item 7). The gateway POSTs to whatever
// endpoint a registration named; checking the URL's text let through `[::ffff:127.0.0.1]`,
// `localhost.`, NAT64 forms and any name that resolves to a private address. So the check is
// on addresses: the name is resolved (every A and AAAA), every address must be public, and
// the connection is then made to the address that was checked (PinnedAgent), so DNS cannot
// answer differently between the check and the dial. TLS still verifies the certificate
// against the name.

/** A resolver in the shape of dns.promises.lookup(name, { all: true }); tests inject one. */
export type Resolve = (hostname: string) => Promise<Array<{ address: string, family: number }>>

export const systemResolve: Resolve = async (hostname) => lookup(hostname, { all: true, verbatim: true })

const net = (text: string, bits: number, why: string): { prefix: IpBytes, bits: number, why: string } =>
  ({ prefix: parseIp(text)!, bits, why })

/** IPv4 networks that are not the public internet (IANA special-purpose registry, RFC 6890). */
const V4_NOT_PUBLIC = [
  net('0.0.0.0', 8, 'unspecified ("this network")'),
  net('10.0.0.0', 8, 'private'),
  net('100.64.0.0', 10, 'carrier-grade NAT'),
  net('127.0.0.0', 8, 'loopback'),
  net('169.254.0.0', 16, 'link-local'),
  net('172.16.0.0', 12, 'private'),
  net('192.0.0.0', 24, 'IETF protocol assignment'),
  net('192.0.2.0', 24, 'documentation'),
  net('192.88.99.0', 24, 'deprecated 6to4 relay'),
  net('192.168.0.0', 16, 'private'),
  net('198.18.0.0', 15, 'benchmarking'),
  net('198.51.100.0', 24, 'documentation'),
  net('203.0.113.0', 24, 'documentation'),
  net('224.0.0.0', 4, 'multicast'),
  net('240.0.0.0', 4, 'reserved or broadcast')
]

/** Inside 2000::/3, the one IPv6 block of global unicast, these are not the internet either. */
const V6_NOT_PUBLIC = [
  net('2001::', 23, 'IETF protocol assignment (Teredo, ORCHID, benchmarking)'),
  net('2001:db8::', 32, 'documentation'),
  net('2002::', 16, '6to4'),
  net('3fff::', 20, 'documentation')
]
const V6_GLOBAL = net('2000::', 3, '')
/** NAT64's well-known prefix (RFC 6052): the IPv4 address in its last 32 bits is the one reached. */
const NAT64 = net('64:ff9b::', 96, '')

/**
 * Why an address is not on the public internet, or undefined when it is. IPv4-mapped
 * (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) addresses are judged by their IPv4 address.
 */
export function notPublicBecause (ip: IpBytes): string | undefined {
  let v4 = unmapIpv4(ip)
  if (v4.length === 16 && inPrefix(v4, NAT64.prefix, NAT64.bits)) v4 = v4.slice(12)
  if (v4.length === 4) return V4_NOT_PUBLIC.find((n) => inPrefix(v4, n.prefix, n.bits))?.why
  if (!inPrefix(v4, V6_GLOBAL.prefix, V6_GLOBAL.bits)) {
    if (v4.every((b) => b === 0)) return 'unspecified'
    if (v4.slice(0, 15).every((b) => b === 0) && v4[15] === 1) return 'loopback'
    if (v4[0] === 0xfc || v4[0] === 0xfd) return 'unique local'
    if (v4[0] === 0xfe && (v4[1]! & 0xc0) === 0x80) return 'link-local'
    if (v4[0] === 0xff) return 'multicast'
    return 'outside global unicast (2000::/3)'
  }
  return V6_NOT_PUBLIC.find((n) => inPrefix(v4, n.prefix, n.bits))?.why
}

export class EndpointAddressError extends Error {
  override name = 'EndpointAddressError'
}

/** Where to connect for an endpoint: the checked address, and the name for TLS. */
export interface PinnedTarget {
  address: string
  /** The endpoint's host name for SNI and the certificate check; undefined for an IP literal. */
  servername: string | undefined
}

/** The URL's host as a name or an address: brackets off, a trailing dot off, lower case. */
function hostOf (url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase()
}

/**
 * Resolves an endpoint's host and checks every address it has; throws EndpointAddressError
 * naming the reason. With `allowPrivate` (tests, a push service on a private network) every
 * address is accepted, but the one dialled is still the one resolved here.
 */
export async function checkEndpointHost (endpoint: string, resolve: Resolve, allowPrivate: boolean): Promise<PinnedTarget> {
  const url = new URL(endpoint)
  const host = hostOf(url)
  const literal = parseIp(host)
  if (!allowPrivate && literal == null && (host === 'localhost' || host.endsWith('.localhost'))) {
    throw new EndpointAddressError('The push endpoint names localhost; push services are on the public internet.')
  }
  let addresses: string[]
  if (literal != null) {
    addresses = [formatIp(literal)]
  } else {
    try {
      addresses = (await resolve(host)).map((a) => a.address)
    } catch {
      throw new EndpointAddressError(`The push endpoint's host ${host} could not be resolved.`)
    }
  }
  if (addresses.length === 0) throw new EndpointAddressError(`The push endpoint's host ${host} has no address.`)
  for (const address of addresses) {
    const ip = parseIp(address)
    const why = ip == null ? 'not an address' : notPublicBecause(ip)
    if (why != null && !allowPrivate) {
      throw new EndpointAddressError(`The push endpoint's host resolves to a ${why} address; push services are on the public internet.`)
    }
  }
  return { address: addresses[0]!, servername: literal == null ? host : undefined }
}

/**
 * An https.Agent that connects to the checked address whatever host the request names, so
 * the request cannot reach an address that was not checked (a second DNS answer, a URL
 * parser that reads the host differently). One request per agent: nothing is kept alive.
 */
export class PinnedAgent extends Agent {
  constructor (private readonly target: PinnedTarget) {
    super({ keepAlive: false, maxSockets: 1 })
  }

  override createConnection (options: RequestOptions, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const { address, servername } = this.target
    const pinned = {
      ...options,
      host: address,
      hostname: address,
      ...(servername != null ? { servername } : {}),
      lookup: undefined
    }
    if (isIP(address) === 0) throw new EndpointAddressError('A pinned push endpoint address is not an IP address.')
    return super.createConnection(pinned, callback)
  }
}
