import { ReasonedError } from '../errors.ts'
import { assertStoreLimits, POOLS, type Pool, type StoreLimits } from './store-limits.ts'

// The accounting of a holder's DHT store: who each stored record is charged to, and what to
// do with one more. Pure (no I/O); the datastore asks `admit` before it writes and deletes
// what `admit` evicted, and calls `release` when a record goes.
//
// Who is charged. Every record has an owner, the key it is signed by: a presence or prekey
// record is owned by the identity key it names, a mailbox record by its slot's write key.
// The validators tie the DHT key to that owner (`/murmur-presence/<user id>`, a mailbox slot
// key is a hash of its write key), so an owner holds at most one record per namespace, only
// the owner can replace it, and only with a newer version (holder-datastore.ts refuses a
// rollback). Owners cost nothing to make, so the quotas that bound strangers are per
// *source*: the address prefix a PUT came from (a relay sees it on the connection), or the
// peer where no address is known (a WebRTC connection in a tab). A new version of a record
// moves its charge to whoever PUT it.
//
// When a pool is full, a newcomer under its own source's cap evicts: the oldest record of
// the source that holds the most records in that pool (ties: the most bytes). A flood from
// a few sources thus evicts itself first, and an honest writer, under its cap, still gets
// in. Our own records (SELF) count but are never refused or evicted.

/** The source of our own writes: never refused, never evicted. */
export const SELF = 'self'
/**
 * Records found in the store at start-up: who wrote them is not stored (a holder remembers
 * as little as it can about who writes where), so they share one account, usually the
 * largest, and go first when room is needed. Not an address or a peer id.
 */
export const STORED_BEFORE_START = 'stored-before-start'

export type StoreRefusal = 'per-source-count' | 'per-source-bytes' | 'pool-full'

/** A record refused by a holder's quota; `reason` says which limit. */
export class HolderQuotaError extends ReasonedError<StoreRefusal> {
  override name = 'HolderQuotaError'
}

export interface Charge {
  pool: Pool
  /** What /metrics counts it as: a namespace (murmur-presence, …) or 'peers'. */
  kind: string
  source: string
  bytes: number
}

export interface AdmitRequest extends Charge {
  /** The record's place in the store (its datastore key). */
  id: string
  /**
   * At its cap, the source's own oldest record makes room instead of a refusal: for a cache
   * (the peer store) whose entries are all one source's and all expendable.
   */
  rotate?: boolean
}

export type AdmitResult =
  | { ok: true, evicted: Array<{ id: string } & Charge>, replaced: Charge | undefined }
  | { ok: false, reason: StoreRefusal }

export interface Tally { count: number, bytes: number }

interface Account extends Tally {
  /** The source's records in this pool, oldest first (a Map keeps insertion order). */
  ids: Map<string, number>
}

const MESSAGES: Record<StoreRefusal, (pool: Pool, limits: StoreLimits) => string> = {
  'per-source-count': (p, l) => `This holder already keeps ${l[p].perSourceCount} ${p} records from this source and takes no more from it.`,
  'per-source-bytes': (p, l) => `This holder already keeps ${l[p].perSourceBytes} bytes of ${p} records from this source and takes no more from it.`,
  'pool-full': (p, l) => `This holder's ${p} store is full (${l[p].count} records, ${l[p].bytes} bytes) and nothing in it can make room.`
}

export function assertAdmitRequest (r: AdmitRequest): void {
  if (typeof r.id !== 'string' || r.id === '') throw new TypeError('id must be a non-empty string')
  if (!POOLS.includes(r.pool)) throw new TypeError(`pool must be one of ${POOLS.join(', ')}`)
  if (typeof r.source !== 'string' || r.source === '') throw new TypeError('source must be a non-empty string')
  if (!Number.isSafeInteger(r.bytes) || r.bytes < 0) throw new RangeError(`bytes must be a non-negative integer, got ${r.bytes}`)
}

export class StoreLedger {
  readonly limits: StoreLimits
  private readonly entries = new Map<string, Charge>()
  private readonly pools = new Map<Pool, { tally: Tally, sources: Map<string, Account> }>()
  private readonly kinds = new Map<string, Tally>()

  constructor (limits: StoreLimits) {
    assertStoreLimits(limits)
    this.limits = limits
    for (const pool of POOLS) this.pools.set(pool, { tally: { count: 0, bytes: 0 }, sources: new Map() })
  }

  /** What a pool holds now. */
  pool (pool: Pool): Tally { return { ...this.pools.get(pool)!.tally } }

  /** What a source holds in a pool now. */
  account (pool: Pool, source: string): Tally {
    const account = this.pools.get(pool)!.sources.get(source)
    return { count: account?.count ?? 0, bytes: account?.bytes ?? 0 }
  }

  /** Records and bytes per kind (namespace), for /metrics. */
  byKind (): Record<string, Tally> {
    return Object.fromEntries([...this.kinds].map(([kind, t]) => [kind, { ...t }]))
  }

  /** How many sources hold something in a pool. */
  sourceCount (pool: Pool): number { return this.pools.get(pool)!.sources.size }

  held (id: string): Charge | undefined {
    const entry = this.entries.get(id)
    return entry === undefined ? undefined : { ...entry }
  }

  /**
   * Whether to store one more record, and what to evict first. The record's older version
   * (same id) is uncharged before the limits are checked. A refusal changes nothing.
   */
  admit (request: AdmitRequest): AdmitResult {
    assertAdmitRequest(request)
    const { id, pool, source, bytes } = request
    const limits = this.limits[pool]
    const old = this.entries.get(id)
    const samePool = old?.pool === pool
    // Checks first, on copies; the ledger changes only once the record is admitted.
    const evicted: Array<{ id: string } & Charge> = []
    if (source !== SELF) {
      const account = this.account(pool, source)
      if (samePool && old.source === source) { account.count -= 1; account.bytes -= old.bytes }
      if (bytes > limits.perSourceBytes) return this.refuse('per-source-bytes')
      if (request.rotate === true) {
        const own = this.pools.get(pool)!.sources.get(source)
        for (const [victim] of own?.ids ?? []) {
          if (account.count + 1 <= limits.perSourceCount && account.bytes + bytes <= limits.perSourceBytes) break
          if (victim === id) continue
          const charge = this.entries.get(victim)!
          evicted.push({ id: victim, ...charge })
          account.count -= 1
          account.bytes -= charge.bytes
        }
      }
      if (account.count + 1 > limits.perSourceCount) return this.refuse('per-source-count')
      if (account.bytes + bytes > limits.perSourceBytes) return this.refuse('per-source-bytes')
      // Even with everything evictable gone it would not fit: refuse (our own go in anyway).
      const self = this.account(pool, SELF)
      const selfOld = samePool && old.source === SELF
      if (self.count - (selfOld ? 1 : 0) + 1 > limits.count || self.bytes - (selfOld ? old.bytes : 0) + bytes > limits.bytes) return this.refuse('pool-full')
      for (const e of evicted) this.remove(e.id)
    }
    if (old !== undefined) this.remove(id)
    const { tally, sources } = this.pools.get(pool)!
    let count = tally.count
    let size = tally.bytes
    while (count + 1 > limits.count || size + bytes > limits.bytes) {
      const victim = this.victim(sources)
      // Only our own records are left: ours goes in anyway.
      if (victim === undefined) break
      const charge = this.entries.get(victim)!
      evicted.push({ id: victim, ...charge })
      this.remove(victim)
      count -= 1
      size -= charge.bytes
    }
    this.add(id, { pool, kind: request.kind, source, bytes })
    return { ok: true, evicted, replaced: old === undefined ? undefined : { ...old } }
  }

  /** `admit`, or a HolderQuotaError that names the limit. */
  admitOrThrow (request: AdmitRequest): AdmitResult & { ok: true } {
    const result = this.admit(request)
    if (!result.ok) throw new HolderQuotaError(result.reason, MESSAGES[result.reason](request.pool, this.limits))
    return result
  }

  /** Charges a record already stored, whatever the limits say (start-up, or an undo). */
  charge (id: string, charge: Charge): void {
    assertAdmitRequest({ id, ...charge })
    this.remove(id)
    this.add(id, { ...charge })
  }

  /** Uncharges a record; false when it was not charged. */
  release (id: string): boolean {
    return this.remove(id)
  }

  private refuse (reason: StoreRefusal): AdmitResult { return { ok: false, reason } }

  /** The oldest record of the source holding the most (ties: most bytes); never SELF's. */
  private victim (sources: Map<string, Account>): string | undefined {
    let best: Account | undefined
    for (const [source, account] of sources) {
      if (source === SELF || account.count === 0) continue
      if (best === undefined || account.count > best.count || (account.count === best.count && account.bytes > best.bytes)) best = account
    }
    return best?.ids.keys().next().value
  }

  private add (id: string, charge: Charge): void {
    this.entries.set(id, charge)
    const { tally, sources } = this.pools.get(charge.pool)!
    let account = sources.get(charge.source)
    if (account === undefined) { account = { count: 0, bytes: 0, ids: new Map() }; sources.set(charge.source, account) }
    account.ids.set(id, charge.bytes)
    account.count += 1
    account.bytes += charge.bytes
    tally.count += 1
    tally.bytes += charge.bytes
    const kind = this.kinds.get(charge.kind) ?? { count: 0, bytes: 0 }
    this.kinds.set(charge.kind, { count: kind.count + 1, bytes: kind.bytes + charge.bytes })
  }

  private remove (id: string): boolean {
    const charge = this.entries.get(id)
    if (charge === undefined) return false
    this.entries.delete(id)
    const { tally, sources } = this.pools.get(charge.pool)!
    const account = sources.get(charge.source)!
    account.ids.delete(id)
    account.count -= 1
    account.bytes -= charge.bytes
    if (account.count === 0) sources.delete(charge.source)
    tally.count -= 1
    tally.bytes -= charge.bytes
    const kind = this.kinds.get(charge.kind)!
    if (kind.count === 1) this.kinds.delete(charge.kind)
    else this.kinds.set(charge.kind, { count: kind.count - 1, bytes: kind.bytes - charge.bytes })
    return true
  }
}
