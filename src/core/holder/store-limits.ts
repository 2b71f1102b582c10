// What a holder (a tab or a relay) agrees to keep in its DHT store, and for whom. Everything
// strangers can make a node store is in one of the pools below, each with its own cap and a
// cap per source, so filling one (presence records from a thousand invented identities)
// never takes the room of another (a contact's waiting mail). docs/SECURITY.md has the table.

/**
 * `directory`: presence and prekey records (a few hundred bytes to 4 KiB each).
 * `mailbox`: offline messages (up to 64 KiB each).
 * `peers`: libp2p's peer store, an entry per peer ever seen (a tab keeps it in the same
 * IndexedDB database; a relay keeps it in memory, relay/peers-in-memory.ts).
 */
export type Pool = 'directory' | 'mailbox' | 'peers'
export const POOLS: readonly Pool[] = ['directory', 'mailbox', 'peers']

export interface PoolLimits {
  /** Records and bytes (stored values) the pool holds at most. */
  count: number
  bytes: number
  /** What one source (an address prefix, or a peer where no address is known) may hold in it. */
  perSourceCount: number
  perSourceBytes: number
}

export type StoreLimits = Readonly<Record<Pool, Readonly<PoolLimits>>>

const MIB = 1024 * 1024

/**
 * A tab's DHT store (the IndexedDB database `murmur-dht`): 32 MiB in all, far below what a
 * browser grants an origin (gigabytes on a desktop, hundreds of MiB in a private window),
 * so the profile database beside it never meets a full quota because of it. A tab can also
 * shrink these to its real quota (scaleToQuota). Sources in a tab are mostly single peers
 * (a WebRTC connection shows no address): 64 records of mail per peer are 2-4 busy days of
 * one conversation.
 */
export const TAB_STORE_LIMITS: StoreLimits = Object.freeze({
  directory: Object.freeze({ count: 4000, bytes: 4 * MIB, perSourceCount: 64, perSourceBytes: 256 * 1024 }),
  mailbox: Object.freeze({ count: 2000, bytes: 24 * MIB, perSourceCount: 64, perSourceBytes: 1 * MIB }),
  peers: Object.freeze({ count: 2000, bytes: 4 * MIB, perSourceCount: 2000, perSourceBytes: 4 * MIB })
})

/** The whole store's caps: the sum of its pools. */
export function storeTotals (limits: StoreLimits): { count: number, bytes: number } {
  let count = 0
  let bytes = 0
  for (const pool of POOLS) { count += limits[pool].count; bytes += limits[pool].bytes }
  return { count, bytes }
}

export function assertStoreLimits (limits: StoreLimits): void {
  for (const pool of POOLS) {
    const l = limits[pool]
    if (l == null) throw new RangeError(`limits.${pool} is missing`)
    for (const [field, value] of Object.entries(l)) {
      if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`limits.${pool}.${field} must be a non-negative integer, got ${String(value)}`)
    }
  }
}

/**
 * The limits scaled down so the whole store stays under `share` of the origin's quota (as
 * navigator.storage.estimate() reports it); never scaled up. Counts shrink with bytes.
 */
export function scaleToQuota (limits: StoreLimits, quotaBytes: number | undefined, share = 0.05): StoreLimits {
  if (quotaBytes == null || !Number.isFinite(quotaBytes) || quotaBytes <= 0) return limits
  const factor = Math.min(1, (quotaBytes * share) / storeTotals(limits).bytes)
  if (factor >= 1) return limits
  const scale = (n: number): number => Math.max(1, Math.floor(n * factor))
  const out = {} as Record<Pool, PoolLimits>
  for (const pool of POOLS) {
    const l = limits[pool]
    out[pool] = {
      count: scale(l.count),
      bytes: scale(l.bytes),
      perSourceCount: Math.min(l.perSourceCount, scale(l.count)),
      perSourceBytes: Math.min(l.perSourceBytes, scale(l.bytes))
    }
  }
  return out
}
