import type { ConnectionStatus, Network, RelayStatus } from '../core/ports/index.ts'
import type { ChangeBus } from './change-bus.ts'
import type { StartupStatus } from './retry-start.ts'

/**
 * The network half as the app's services see it: absent until it is loaded (the profile
 * and history show before libp2p is even downloaded), then the one place that knows
 * whether this tab is reachable through a relay and how each contact is connected.
 */
export class Connectivity {
  relayStatus: RelayStatus = 'offline'
  /** False until the relay keeper's first report: before it, 'offline' only means "not yet". */
  relayReported = false
  /** Where loading and starting the network half stands (src/app/retry-start.ts). */
  startup: StartupStatus = { phase: 'starting', failures: 0 }
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
    this.relayReported = true
    this.reservedRelays = reservedRelays
    this.bus.emit({ kind: 'relay' })
    return wasOffline
  }

  startupChanged (status: StartupStatus): void {
    this.startup = status
    this.bus.emit({ kind: 'relay' })
  }

  linkStatusChanged (contactId: string): void {
    this.bus.emit({ kind: 'status', contactId })
  }

  async stop (): Promise<void> {
    await this.network?.stop()
  }
}
