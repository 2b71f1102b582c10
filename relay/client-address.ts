import type { IncomingMessage } from 'node:http'
import { formatIp, inPrefix, parseIp, unmapIpv4, type IpBytes } from '../src/core/ip-address.ts'

// Who is on the other end of an HTTP request or a websocket, for per-address limits. Behind
// a reverse proxy (deploy/nginx-murmur.conf) every socket comes from the proxy, so the
// client's address is in the header the proxy sets; anyone can write that header, so it is
// believed only on a socket from a configured proxy (`--trusted-proxy`).

export interface TrustedProxy { network: IpBytes, bits: number }

/** A trusted proxy list entry: an address (203.0.113.7, ::1) or a network (10.0.0.0/8). */
export function parseTrustedProxy (text: string): TrustedProxy | undefined {
  const [address = '', bits, extra] = text.split('/')
  if (extra != null) return undefined
  const parsed = parseIp(address)
  if (parsed == null) return undefined
  const network = unmapIpv4(parsed)
  const max = network.length * 8
  if (bits == null) return { network, bits: max }
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > max) return undefined
  return { network, bits: Number(bits) }
}

/** The address as one canonical text (IPv4-mapped as IPv4), or undefined when it is none. */
export function canonicalIp (text: string | undefined): string | undefined {
  const parsed = text == null ? undefined : parseIp(text.trim())
  return parsed == null ? undefined : formatIp(unmapIpv4(parsed))
}

function isTrusted (address: string | undefined, proxies: readonly TrustedProxy[]): boolean {
  const parsed = address == null ? undefined : parseIp(address)
  if (parsed == null) return false
  const ip = unmapIpv4(parsed)
  return proxies.some((p) => inPrefix(ip, p.network, p.bits))
}

function header (req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name]
  return Array.isArray(value) ? value[value.length - 1] : value
}

/**
 * The client's address as the trusted proxy saw it: X-Real-IP (nginx sets it to the peer it
 * accepted, replacing whatever the client sent), else the last X-Forwarded-For entry (the
 * one the proxy appended; earlier ones are the client's own claims). Undefined when the
 * socket is not from a trusted proxy or the proxy sent no usable address.
 */
export function forwardedAddress (req: IncomingMessage, proxies: readonly TrustedProxy[]): string | undefined {
  if (proxies.length === 0 || !isTrusted(req.socket.remoteAddress, proxies)) return undefined
  const real = canonicalIp(header(req, 'x-real-ip'))
  if (real != null) return real
  const forwarded = header(req, 'x-forwarded-for')?.split(',').map((s) => s.trim()).filter((s) => s !== '')
  return canonicalIp(forwarded?.[forwarded.length - 1])
}

/** The address per-address limits count a request or websocket under. */
export function clientAddress (req: IncomingMessage, proxies: readonly TrustedProxy[]): string {
  return forwardedAddress(req, proxies) ?? canonicalIp(req.socket.remoteAddress) ?? '0.0.0.0'
}

/** The hook patches/websockets-client-address.ts asks: [address, port] of the real client. */
export function clientEndpointHook (proxies: readonly TrustedProxy[]): (req: IncomingMessage) => [string, number] | undefined {
  return (req) => {
    const forwarded = forwardedAddress(req, proxies)
    return forwarded == null ? undefined : [forwarded, req.socket.remotePort ?? 0]
  }
}
