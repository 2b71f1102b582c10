import { isIP } from 'node:net'
import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import { ConfigError } from '../src/core/errors.ts'
import { DHT_REPLICATION_MAX, DHT_REPLICATION_MIN } from '../src/net/dht-replication.ts'
import { parseTrustedProxy, type TrustedProxy } from './client-address.ts'

// The value parsers of the relay's options (relay/config.ts): each takes the text and the
// flag or variable it came from, and throws a ConfigError that names it.

/** A whole number in [min, max]; `source` names the flag or variable in the error. */
export function parseInteger (value: string, source: string, min: number, max: number): number {
  if (!/^\d+$/.test(value)) throw new ConfigError(`${source} must be a whole number, got "${value}".`)
  const n = Number(value)
  if (n < min || n > max) throw new ConfigError(`${source} must be between ${min} and ${max}, got ${value}.`)
  return n
}

export const parsePort = (value: string, source: string): number => parseInteger(value, source, 0, 65535)

/** Comma-separated values, blanks dropped. */
export const splitList = (value: string): string[] => value.split(',').map((s) => s.trim()).filter((s) => s !== '')

export const parseCount = (value: string, source: string): number => parseInteger(value, source, 1, 1_000_000)
export const MIB = 1024 * 1024
/** Mailbox limits in MiB, up to 1 TiB. */
export const parseMiB = (value: string, source: string): number => parseInteger(value, source, 1, 1024 * 1024) * MIB

export function parseDhtReplication (value: string, source: string): number {
  const n = Number(value)
  if (!/^\d+$/.test(value) || n < DHT_REPLICATION_MIN || n > DHT_REPLICATION_MAX) {
    throw new ConfigError(`${source} must be a whole number from ${DHT_REPLICATION_MIN} to ${DHT_REPLICATION_MAX}, got "${value}".`)
  }
  return n
}

export function parseHost (value: string, source: string): string {
  if (isIP(value) === 0) {
    throw new ConfigError(`${source} must be an IP address such as 127.0.0.1, 0.0.0.0 or ::1, got "${value}".`)
  }
  return value
}

export function parseVapidSubject (value: string, source: string): string {
  let url: URL | undefined
  try { url = new URL(value) } catch {}
  if (url == null || !['mailto:', 'https:'].includes(url.protocol)) {
    throw new ConfigError(`${source} must be a mailto: or https: URL where push services can reach you, got "${value}".`)
  }
  return value
}

export function parseYesNo (value: string, source: string): boolean {
  if (/^(yes|true|1)$/i.test(value)) return true
  if (/^(no|false|0)$/i.test(value)) return false
  throw new ConfigError(`${source} must be yes or no, got "${value}".`)
}

export function parseAddrList (value: string, source: string): string[] {
  const addrs = value.split(',').map((s) => s.trim()).filter((s) => s !== '')
  for (const addr of addrs) {
    try {
      multiaddr(addr)
    } catch {
      throw new ConfigError(`${source} must be comma-separated multiaddrs, and "${addr}" is not one.`)
    }
  }
  return addrs
}

/** A relay is dialed by peer id: an address without /p2p/<id> could be anyone. */
export function parseBootstrap (value: string, source: string): string[] {
  const addrs = parseAddrList(value, source)
  for (const addr of addrs) {
    if (multiaddr(addr).getComponents().findLast((c) => c.name === 'p2p') == null) {
      throw new ConfigError(`${source}: "${addr}" must end in /p2p/<peer id>, as the other relay prints it ("Relay address: ...").`)
    }
  }
  return addrs
}

/** Addresses or networks (10.0.0.0/8, ::1) of reverse proxies; none by default. */
export function parseTrustedProxies (value: string, source: string): TrustedProxy[] {
  return splitList(value).map((entry) => {
    const proxy = parseTrustedProxy(entry)
    if (proxy == null) throw new ConfigError(`${source} must be comma-separated IP addresses or networks such as 127.0.0.1 or 10.0.0.0/8, and "${entry}" is not one.`)
    return proxy
  })
}

/** Relays named by peer id, or by an address that ends in /p2p/<id>; returns the peer ids. */
export function parseNeighbours (value: string, source: string): string[] {
  return splitList(value).map((entry) => {
    const id = entry.startsWith('/') ? multiaddrPeerId(entry) : entry
    try {
      if (id == null) throw new Error('no peer id')
      return peerIdFromString(id).toString()
    } catch {
      throw new ConfigError(`${source} must be comma-separated peer ids (12D3KooW...) or addresses ending in /p2p/<peer id>, and "${entry}" is neither.`)
    }
  })
}

function multiaddrPeerId (addr: string): string | undefined {
  try {
    return multiaddr(addr).getComponents().findLast((c) => c.name === 'p2p')?.value
  } catch {
    return undefined
  }
}
