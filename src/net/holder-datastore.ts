import { BaseDatastore } from 'datastore-core'
import { Key, type Datastore, type KeyQuery, type Pair, type Query } from 'interface-datastore'
import type { AbortOptions, PeerId } from '@libp2p/interface'
import type { Selectors } from '@libp2p/kad-dht'
import { HolderQuotaError, SELF, STORED_BEFORE_START, StoreLedger, type Charge, type StoreRefusal, type Tally } from '../core/holder/store-ledger.ts'
import { POOLS, TAB_STORE_LIMITS, type Pool, type StoreLimits } from '../core/holder/store-limits.ts'
import { classifyKey, PEERS_PREFIX } from './holder-keys.ts'
import { DHT_RECORD_PREFIX } from './record-sweeper.ts'
import { putFromPeer } from './put-from.ts'
import { dhtSelectors } from './dht-config.ts'
import { claimedByAnotherHeld, olderThanHeld, ProviderRecordRefusedError, SlotClaimedError, StaleRecordError } from './stale-record.ts'

export { mailboxSlotOfDatastoreKey } from './holder-keys.ts'
export { StaleRecordError, ProviderRecordRefusedError, SlotClaimedError }

// The storage every node (tab or relay) gives libp2p, wrapped so that what strangers can make
// it store is counted and capped (src/core/holder/store-ledger.ts says who is charged and
// what is evicted), and so that no PUT rolls a record back to an older version.
//
// A put that names its sender (kad-dht's PUT_VALUE handler, patched:
// patches/kad-dht-put-from.ts) is charged to the sender's source (`sourceOf`: an address
// prefix on a relay) and refused with a HolderQuotaError beyond its cap: the handler fails
// and kad-dht resets the writer's stream. A put without a sender is our own (our dht.put,
// kad-dht correcting its copy after a GET): counted, never refused. Every delete releases
// its charge. Provider records are refused outright: Murmur uses none, and kad-dht would
// store one for anyone who asks.

/** Source of the peer store's entries (local writes, but made for every peer that connects). */
export const PEER_STORE_SOURCE = 'peer-store'

export interface HolderDatastoreInit {
  /** Tabs hold TAB_STORE_LIMITS; relays pass their own (relay/config.ts). */
  limits?: StoreLimits
  /** Who a remote PUT is charged to; by default the peer itself (src/net/put-source.ts). */
  sourceOf?: (peer: PeerId) => string
  /** How two versions of a record compare (kad-dht's selectors); Murmur's by default. */
  selectors?: Selectors
  /** Called on every refused put, e.g. to log it; the put throws anyway. */
  onRefused?: (refusal: { source: string, pool: Pool | 'providers', reason: StoreRefusal | 'stale' | 'provider' }) => void
}

/** What the store holds now, without reading it: cheap enough for every /health and /metrics. */
export interface HolderUsage {
  pools: Record<Pool, Tally>
  /** Per namespace (murmur-presence, murmur-prekey, murmur-mailbox) and 'peers'. */
  kinds: Record<string, Tally>
  /** Puts refused since start, by reason; records evicted to make room. */
  refused: Record<StoreRefusal | 'stale' | 'provider', number>
  evicted: number
}

export class HolderDatastore extends BaseDatastore implements Datastore {
  private readonly ledger: StoreLedger
  private readonly queues = new Map<string, Promise<unknown>>()
  private readonly refused: HolderUsage['refused'] = { 'per-source-count': 0, 'per-source-bytes': 0, 'pool-full': 0, stale: 0, provider: 0 }
  private evicted = 0

  private constructor (private readonly inner: Datastore, private readonly init: HolderDatastoreInit) {
    super()
    this.ledger = new StoreLedger(init.limits ?? TAB_STORE_LIMITS)
  }

  /**
   * Wraps an open datastore and charges every record it already holds to
   * STORED_BEFORE_START (who wrote them is not stored), so a restart keeps the totals right.
   */
  static async open (inner: Datastore, init: HolderDatastoreInit = {}, options: AbortOptions = {}): Promise<HolderDatastore> {
    const holder = new HolderDatastore(inner, init)
    for (const prefix of [DHT_RECORD_PREFIX, PEERS_PREFIX]) {
      for await (const { key, value } of inner.query({ prefix }, options)) {
        const charge = holder.chargeOf(key, STORED_BEFORE_START, value.byteLength)
        if (charge !== undefined) holder.ledger.charge(key.toString(), charge)
      }
    }
    return holder
  }

  get limits (): StoreLimits { return this.ledger.limits }

  usage (): HolderUsage {
    const pools = Object.fromEntries(POOLS.map((p) => [p, this.ledger.pool(p)])) as Record<Pool, Tally>
    return { pools, kinds: this.ledger.byKind(), refused: { ...this.refused }, evicted: this.evicted }
  }

  /** What one source is charged for in a pool now. */
  heldFor (source: string, pool: Pool = 'mailbox'): Tally {
    return this.ledger.account(pool, source)
  }

  override async put (key: Key, value: Uint8Array, options?: AbortOptions): Promise<Key> {
    const stored = classifyKey(key)
    if (stored.kind === 'other') return this.inner.put(key, value, options)
    const from = putFromPeer(options)
    if (stored.kind === 'provider') {
      this.refuse(from, 'providers', 'provider')
      throw new ProviderRecordRefusedError()
    }
    return this.serialized(key.toString(), async () => {
      if (stored.kind === 'record') await this.refuseRollback(key, value, from, stored.pool, options)
      const source = stored.kind === 'peer' ? PEER_STORE_SOURCE : from === undefined ? SELF : (this.init.sourceOf?.(from) ?? `peer:${from.toString()}`)
      const id = key.toString()
      let admitted
      try {
        admitted = this.ledger.admitOrThrow({ id, ...this.chargeOf(key, source, value.byteLength)!, rotate: source === PEER_STORE_SOURCE })
      } catch (err) {
        if (err instanceof HolderQuotaError) this.refuse(from, stored.pool, err.reason, source)
        throw err
      }
      const pending = [...admitted.evicted]
      try {
        while (pending.length > 0) {
          await this.inner.delete(new Key(pending[0]!.id, false), options)
          pending.shift()
          this.evicted++
        }
        return await this.inner.put(key, value, options)
      } catch (err) {
        // Nothing more was written: put the charges back as they were.
        this.ledger.release(id)
        if (admitted.replaced !== undefined) this.ledger.charge(id, admitted.replaced)
        for (const e of pending) this.ledger.charge(e.id, e)
        throw err
      }
    })
  }

  override async delete (key: Key, options?: AbortOptions): Promise<void> {
    await this.inner.delete(key, options)
    this.ledger.release(key.toString())
  }

  override async get (key: Key, options?: AbortOptions): Promise<Uint8Array> {
    return this.inner.get(key, options)
  }

  override async has (key: Key, options?: AbortOptions): Promise<boolean> {
    return this.inner.has(key, options)
  }

  // putMany, deleteMany and batch come from BaseDatastore, which runs them through put and
  // delete above, so nothing reaches the inner store uncounted. Reads pass straight through,
  // keeping the inner store's own prefix queries.
  override async * getMany (source: Iterable<Key> | AsyncIterable<Key>, options?: AbortOptions): AsyncGenerator<Pair> {
    yield * this.inner.getMany(source, options)
  }

  override async * query (query: Query, options?: AbortOptions): AsyncGenerator<Pair> {
    yield * this.inner.query(query, options)
  }

  override async * queryKeys (query: KeyQuery, options?: AbortOptions): AsyncGenerator<Key> {
    yield * this.inner.queryKeys(query, options)
  }

  private chargeOf (key: Key, source: string, bytes: number): Charge | undefined {
    const stored = classifyKey(key)
    if (stored.kind !== 'record' && stored.kind !== 'peer') return undefined
    return { pool: stored.pool, kind: stored.namespace, source, bytes }
  }

  /**
   * Issue 15 item 5: a PUT must never replace a newer version of a record with an older one,
   * on any holder, whoever sends it (a stranger replaying a record it saw, or a stale copy).
   * Checked here, where every write of a record passes, not only by readers' selectors.
   */
  private async refuseRollback (key: Key, value: Uint8Array, from: PeerId | undefined, pool: Pool, options?: AbortOptions): Promise<void> {
    let held: Uint8Array
    try {
      held = await this.inner.get(key, options)
    } catch (err) {
      if ((err as { name?: unknown })?.name === 'NotFoundError') return
      throw err
    }
    if (olderThanHeld(value, held, this.init.selectors ?? dhtSelectors)) {
      this.refuse(from, pool, 'stale')
      throw new StaleRecordError()
    }
    // A first-contact slot keeps its first owner's record (src/core/mailbox/claim.ts); counted
    // with the stale refusals: both keep a holder from going back on what it holds.
    if (claimedByAnotherHeld(value, held)) {
      this.refuse(from, pool, 'stale')
      throw new SlotClaimedError()
    }
  }

  private refuse (from: PeerId | undefined, pool: Pool | 'providers', reason: StoreRefusal | 'stale' | 'provider', source?: string): void {
    this.refused[reason]++
    this.init.onRefused?.({ source: source ?? (from === undefined ? SELF : `peer:${from.toString()}`), pool, reason })
  }

  /** Runs writes to one key one at a time, so a check and its write see the same record. */
  private async serialized<T> (id: string, run: () => Promise<T>): Promise<T> {
    const before = this.queues.get(id) ?? Promise.resolve()
    const result = before.then(run)
    const settled = result.then(() => undefined, () => undefined)
    this.queues.set(id, settled)
    try {
      return await result
    } finally {
      if (this.queues.get(id) === settled) this.queues.delete(id)
    }
  }
}
