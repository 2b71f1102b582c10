import { scaleToQuota, TAB_STORE_LIMITS, type StoreLimits } from '../core/holder/store-limits.ts'
import type { Logger } from '../diagnostics/index.ts'

/**
 * The tab's DHT store limits, shrunk to 5 % of what the browser grants this origin when
 * that is less than TAB_STORE_LIMITS' 32 MiB (a private window, a small phone): the profile
 * database shares the quota and must never be the one that finds it full. Browsers without
 * navigator.storage.estimate keep the defaults.
 */
export async function storeLimitsForQuota (log: Logger, storage: Pick<StorageManager, 'estimate'> | undefined = globalThis.navigator?.storage): Promise<StoreLimits> {
  try {
    const estimate = await storage?.estimate()
    return scaleToQuota(TAB_STORE_LIMITS, estimate?.quota)
  } catch (err) {
    log('could not read the storage quota, keeping the default DHT store limits: %s', err)
    return TAB_STORE_LIMITS
  }
}
