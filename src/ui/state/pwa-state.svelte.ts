import { startServiceWorker, type ServiceWorkerHandle } from '../../app/pwa/service-worker.ts'
import { requestPersistentStorage, type StorageStatus } from '../../app/pwa/storage-persistence.ts'
import { watchReachability } from '../../app/pwa/reachability.ts'
import type { Logger } from '../../diagnostics/index.ts'

/** The installed-app side of Murmur as runes: network state, a waiting update, storage. */
export class PwaState {
  /** Whether Murmur's server answers (src/app/pwa/reachability.ts); true until a check fails. */
  online = $state(true)
  /** Set while a new version waits; calling it activates the new version and reloads. */
  applyUpdate = $state.raw<() => void>()
  storage = $state.raw<StorageStatus>()

  private serviceWorker: Promise<ServiceWorkerHandle | undefined> = Promise.resolve(undefined)

  /** `onPush`: a push arrived while this tab is open. */
  start (onPush: () => void, log: Logger): void {
    watchReachability({ probeUrl: '/health', onChange: (online) => { this.online = online } })
    // Vite's dev server serves no service worker: the built app (and the relay) do.
    if (import.meta.env.PROD) {
      this.serviceWorker = startServiceWorker({
        onUpdateWaiting: (apply) => { this.applyUpdate = apply },
        onPushReceived: onPush
      }).catch((err: unknown) => {
        log.error('the service worker did not register; the app works online only', err)
        return undefined
      })
    }
    void requestPersistentStorage().then((status) => { this.storage = status })
  }

  async registration (): Promise<ServiceWorkerRegistration | undefined> {
    return (await this.serviceWorker)?.registration
  }
}
