/** What the browser promises about keeping Murmur's data. */
export interface StorageStatus {
  /** True when the browser agreed not to evict Murmur's storage under pressure. */
  persisted: boolean | undefined
  usageBytes: number | undefined
  quotaBytes: number | undefined
  /** Less room left than a long history needs (see LOW_QUOTA_BYTES). */
  low: boolean
}

/** Below this much free quota, history and DHT records may soon fail to save. */
export const LOW_QUOTA_BYTES = 50 * 1024 * 1024

type StorageManagerLike = Pick<StorageManager, 'persist' | 'persisted' | 'estimate'>

/**
 * Asks for persistent storage (without it a browser may clear IndexedDB, and with it every
 * key and message, when the disk fills) and reads the quota. Never throws: a browser that
 * answers nothing leaves the fields undefined.
 */
export async function requestPersistentStorage (storage: StorageManagerLike | undefined = navigator.storage): Promise<StorageStatus> {
  if (storage == null) return { persisted: undefined, usageBytes: undefined, quotaBytes: undefined, low: false }
  const persisted = await (async () => {
    try {
      return await storage.persisted() || await storage.persist()
    } catch {
      return undefined
    }
  })()
  const estimate = await storage.estimate().catch(() => undefined)
  const usageBytes = estimate?.usage
  const quotaBytes = estimate?.quota
  const low = quotaBytes != null && quotaBytes - (usageBytes ?? 0) < LOW_QUOTA_BYTES
  return { persisted, usageBytes, quotaBytes, low }
}
