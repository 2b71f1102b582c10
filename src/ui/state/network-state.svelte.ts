import type { AppConfig } from '../../app/boot.ts'
import type { Connectivity } from '../../app/connectivity.ts'
import { addUserRelay, loadUserRelays, removeUserRelay } from '../../app/relay-list.ts'
import type { RelayStatus } from '../../core/ports/index.ts'
import type { StartupStatus } from '../../app/retry-start.ts'

/** Relays: whether this tab is reachable, the configuration in use, the relays this person added. */
export class NetworkState {
  /** undefined until the relay keeper first reports: "not yet", not "offline". */
  relay = $state<RelayStatus>()
  /** Where the network start-up stands: trying, waiting to try again, started. */
  startup = $state.raw<StartupStatus>({ phase: 'starting', failures: 0 })
  /** The clock the "retrying in N s" countdown reads; ticks only while waiting. */
  now = $state(Date.now())
  private ticker: ReturnType<typeof setInterval> | undefined
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
    this.relay = this.connectivity.relayReported ? this.connectivity.relayStatus : undefined
    this.reservedRelays = this.connectivity.reservedRelays
    this.startup = this.connectivity.startup
    this.now = Date.now()
    const waiting = this.startup.phase === 'waiting'
    if (waiting && this.ticker == null) this.ticker = setInterval(() => { this.now = Date.now() }, 1000)
    if (!waiting && this.ticker != null) { clearInterval(this.ticker); this.ticker = undefined }
  }

  /** Settings: a bad address throws RelayAddressError and changes nothing. Used from the next start. */
  addRelay (text: string): void {
    this.userRelays = addUserRelay(localStorage, text)
  }

  removeRelay (addr: string): void {
    this.userRelays = removeUserRelay(localStorage, addr)
  }
}
