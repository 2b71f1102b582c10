import type { Connection, Startable, TypedEventTarget, Libp2pEvents } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { hostOf } from './reservation-policy.ts'

// A cap on the connections one address holds open at once (issue 15 item 11). libp2p caps
// connections in total and new ones per second per host, not open ones per host: without
// this, one machine could hold most of --max-connections, each with its muxer and buffers.
// "One address" is an IPv4 address or an IPv6 /64, as for reservations (hostOf); behind a
// trusted proxy, the client's address from the proxy's header
// (patches/websockets-client-address.ts). Checked by the connection gater before the
// encryption handshake, so a refusal costs the relay one websocket and no crypto.

export interface ConnectionCapInit {
  maxPerIp: number
  /** Where a refusal is told, at most once a minute. */
  log: (message: string) => void
}

export interface ConnectionCapComponents {
  events: TypedEventTarget<Libp2pEvents>
}

export interface ConnectionCapCounters {
  /** Inbound connections refused since start because their address held the cap. */
  refused: number
  /** The most connections one address holds now. */
  busiest: number
}

export class ConnectionCap implements Startable {
  readonly [Symbol.toStringTag] = 'murmur:connection-cap'
  private readonly open = new Map<string, number>()
  private readonly hosts = new WeakMap<Connection, string>()
  private refused = 0
  private lastLog = -Infinity

  constructor (private readonly components: ConnectionCapComponents, private readonly init: ConnectionCapInit) {}

  private readonly onOpen = (event: CustomEvent<Connection>): void => {
    const host = hostOf(event.detail.remoteAddr)
    if (host == null) return
    this.hosts.set(event.detail, host)
    this.open.set(host, (this.open.get(host) ?? 0) + 1)
  }

  private readonly onClose = (event: CustomEvent<Connection>): void => {
    const host = this.hosts.get(event.detail)
    if (host == null) return
    this.hosts.delete(event.detail)
    const left = (this.open.get(host) ?? 1) - 1
    if (left <= 0) this.open.delete(host)
    else this.open.set(host, left)
  }

  start (): void {
    this.components.events.addEventListener('connection:open', this.onOpen)
    this.components.events.addEventListener('connection:close', this.onClose)
  }

  stop (): void {
    this.components.events.removeEventListener('connection:open', this.onOpen)
    this.components.events.removeEventListener('connection:close', this.onClose)
    this.open.clear()
  }

  /** The gater's question for a new inbound connection: true refuses it. */
  deny (remoteAddr: Multiaddr, now = Date.now()): boolean {
    const host = hostOf(remoteAddr)
    if (host == null || (this.open.get(host) ?? 0) < this.init.maxPerIp) return false
    this.refused++
    // One line a minute at most: a flood must not flood the log too.
    if (now - this.lastLog > 60_000) {
      this.lastLog = now
      this.init.log(`refused a connection from ${host}: it holds ${this.init.maxPerIp} already (--max-connections-per-ip); ${this.refused} refused since start`)
    }
    return true
  }

  counters (): ConnectionCapCounters {
    let busiest = 0
    for (const n of this.open.values()) busiest = Math.max(busiest, n)
    return { refused: this.refused, busiest }
  }
}

export function connectionCap (init: ConnectionCapInit): (components: ConnectionCapComponents) => ConnectionCap {
  return (components) => new ConnectionCap(components, init)
}
