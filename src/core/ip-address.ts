// IP addresses as bytes: one parser for every place that judges an address (the relay's
// per-address quotas and caps, the push gateway's refusal of private endpoints), so a
// textual trick (`::ffff:127.0.0.1`, `::ffff:7f00:1`, `0:0::1`) reads the same everywhere.

/** An address's bytes: 4 for IPv4, 16 for IPv6. */
export type IpBytes = Uint8Array

const IPV4_PART = /^(0|[1-9]\d{0,2})$/

function parseIpv4 (text: string): IpBytes | undefined {
  const parts = text.split('.')
  if (parts.length !== 4 || !parts.every((p) => IPV4_PART.test(p))) return undefined
  const bytes = parts.map(Number)
  return bytes.every((b) => b <= 255) ? Uint8Array.from(bytes) : undefined
}

function parseGroups (part: string): number[] | undefined {
  if (part === '') return []
  const groups = part.split(':')
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return undefined
  return groups.map((g) => parseInt(g, 16))
}

function parseIpv6 (text: string): IpBytes | undefined {
  // A zone (fe80::1%eth0) names an interface, not another address.
  let rest = text.replace(/%[^%]*$/, '')
  // A dotted IPv4 tail (::ffff:1.2.3.4) is two groups written another way.
  const dotted = /(^|:)(\d+\.\d+\.\d+\.\d+)$/.exec(rest)
  if (dotted != null) {
    const v4 = parseIpv4(dotted[2]!)
    if (v4 == null) return undefined
    const hex = `${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`
    rest = rest.slice(0, rest.length - dotted[2]!.length) + hex
  }
  const halves = rest.split('::')
  if (halves.length > 2) return undefined
  const head = parseGroups(halves[0]!)
  const back = halves.length === 2 ? parseGroups(halves[1]!) : []
  if (head == null || back == null) return undefined
  const known = head.length + back.length
  if (halves.length === 2 ? known > 7 : known !== 8) return undefined
  const groups = halves.length === 2 ? [...head, ...new Array<number>(8 - known).fill(0), ...back] : head
  const bytes = new Uint8Array(16)
  groups.forEach((g, i) => { bytes[2 * i] = g >> 8; bytes[2 * i + 1] = g & 0xff })
  return bytes
}

/** The bytes of an IPv4 or IPv6 address (brackets allowed), or undefined for anything else. */
export function parseIp (text: string): IpBytes | undefined {
  if (typeof text !== 'string' || text.length > 64) return undefined
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text
  return bare.includes(':') ? parseIpv6(bare) : parseIpv4(bare)
}

const V4_MAPPED = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]

/** The IPv4 address inside an IPv4-mapped IPv6 one (::ffff:a.b.c.d), else the address itself. */
export function unmapIpv4 (ip: IpBytes): IpBytes {
  if (ip.length === 16 && V4_MAPPED.every((b, i) => ip[i] === b)) return ip.slice(12)
  return ip
}

/** Text for an address: dotted IPv4, or eight hex groups (no :: shortening, so one spelling each). */
export function formatIp (ip: IpBytes): string {
  if (ip.length === 4) return ip.join('.')
  const groups: string[] = []
  for (let i = 0; i < 16; i += 2) groups.push(((ip[i]! << 8) | ip[i + 1]!).toString(16))
  return groups.join(':')
}

/** The first `bits` of an address, the rest zeroed. */
export function maskIp (ip: IpBytes, bits: number): IpBytes {
  const out = ip.slice()
  for (let i = 0; i < out.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - 8 * i))
    out[i] = out[i]! & (0xff << (8 - keep)) & 0xff
  }
  return out
}

/** Whether `ip` lies in the network `prefix`/`bits` (same family). */
export function inPrefix (ip: IpBytes, prefix: IpBytes, bits: number): boolean {
  if (ip.length !== prefix.length) return false
  const a = maskIp(ip, bits)
  const b = maskIp(prefix, bits)
  return a.every((x, i) => x === b[i])
}

/**
 * Who an address counts as, for a per-address limit: IPv4-mapped addresses as IPv4, then the
 * network of `v4Bits` or `v6Bits` around it, as text such as "203.0.113.0/24".
 */
export function addressGroup (text: string, v4Bits: number, v6Bits: number): string | undefined {
  const parsed = parseIp(text)
  if (parsed == null) return undefined
  const ip = unmapIpv4(parsed)
  const bits = ip.length === 4 ? v4Bits : v6Bits
  return `${formatIp(maskIp(ip, bits))}/${bits}`
}
