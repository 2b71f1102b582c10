import type { ConnectionStatus, Network, RelayStatus } from '../core/ports/index.ts'
import type { ChangeBus } from './change-bus.ts'

/**
 * The network half as the app's services see it: absent until it is loaded (the profile
 * and history show before libp2p is even downloaded), then the one place that knows
 * whether this tab is reachable through a relay and how each contact is connected.
 */
export class Connectivity {
  relayStatus: RelayStatus = 'offline'
  /** How many relays hold a reservation for this tab. */
  reservedRelays = 0
  private network: Network | undefined

  constructor (private readonly bus: ChangeBus) {}

  /** The network half, once loaded; services ask for it each time, never keep it. */
  readonly current = (): Network | undefined => this.network

  attach (network: Network): void {
    this.network = network
  }

  status (contactId: string): ConnectionStatus {
    return this.network?.status(contactId) ?? 'offline'
  }

  /** Returns whether the tab was offline before (a relay connection is back). */
  relayChanged (status: RelayStatus, reservedRelays: number): boolean {
    const wasOffline = this.relayStatus === 'offline'
    this.relayStatus = status
    this.reservedRelays = reservedRelays
    this.bus.emit({ kind: 'relay' })
    return wasOffline
  }

  linkStatusChanged (contactId: string): void {
    this.bus.emit({ kind: 'status', contactId })
  }

  async stop (): Promise<void> {
    await this.network?.stop()
  }
}
