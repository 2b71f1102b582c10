import type { AppConfig } from '../../app/boot.ts'
import type { Connectivity } from '../../app/connectivity.ts'
import { addUserRelay, loadUserRelays, removeUserRelay } from '../../app/relay-list.ts'
import type { RelayStatus } from '../../core/ports/index.ts'

/** Relays: whether this tab is reachable, the configuration in use, the relays this person added. */
export class NetworkState {
  relay = $state<RelayStatus>('offline')
  /** How many relays hold a reservation for this tab (two when two are known). */
  reservedRelays = $state(0)
  /** Why networking could not start (the UI words it, src/ui/i18n/errors.ts). */
  error = $state.raw<{ error: unknown }>()
  /** The relays and ICE servers in use, as the relay configured them (shown in Settings). */
  config = $state.raw<AppConfig>()
  /** Relays this person added in Settings, kept in this browser. */
  userRelays = $state.raw<string[]>(loadUserRelays(localStorage))

  constructor (private readonly connectivity: Connectivity) {}

  relayChanged (): void {
    this.relay = this.connectivity.relayStatus
    this.reservedRelays = this.connectivity.reservedRelays
  }

  /** Settings: a bad address throws RelayAddressError and changes nothing. Used from the next start. */
  addRelay (text: string): void {
    this.userRelays = addUserRelay(localStorage, text)
  }

  removeRelay (addr: string): void {
    this.userRelays = removeUserRelay(localStorage, addr)
  }
}
