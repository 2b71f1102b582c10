import { isIP } from 'node:net'
import type { RelayConfig } from './config.ts'

/** The libp2p listen address: plain ws behind a proxy (or on loopback), tls/ws with a certificate. */
export function listenAddress (host: string, port: number, tls = false): string {
  return `/ip${host.includes(':') ? '6' : '4'}/${host}/tcp/${port}${tls ? '/tls/ws' : '/ws'}`
}

/**
 * The addresses the relay announces (in identify, in the DHT, in /murmur-config.json)
 * instead of the ones it listens on. --announce wins; else --public-host names a wss
 * address on the port people reach: the relay's own with --tls-cert, a TLS proxy's (443)
 * without. Empty means "announce what you listen on", which is right on loopback and a LAN.
 */
export function announcedAddrs (config: Pick<RelayConfig, 'announce' | 'publicHost' | 'publicPort' | 'tlsCertFile' | 'wsPort'>): string[] {
  if (config.announce.length > 0) return config.announce
  if (config.publicHost == null) return []
  const port = config.publicPort ?? (config.tlsCertFile != null ? config.wsPort : 443)
  const family = isIP(config.publicHost)
  const host = family === 4 ? `/ip4/${config.publicHost}` : family === 6 ? `/ip6/${config.publicHost}` : `/dns4/${config.publicHost}`
  return [`${host}/tcp/${port}/tls/ws`]
}
