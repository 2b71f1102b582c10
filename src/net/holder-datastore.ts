import { BaseDatastore } from 'datastore-core'
import type { Datastore, Key, KeyQuery, Pair, Query } from 'interface-datastore'
import type { AbortOptions } from '@libp2p/interface'
import { fromString, toString } from 'uint8arrays'
import { MAILBOX_NAMESPACE } from '../core/mailbox/slots.ts'
import { HolderLedger, HolderQuotaError } from '../core/mailbox/holder-ledger.ts'
import { TAB_HOLDER_LIMITS, type HolderLimits, type QuotaRefusal } from '../core/mailbox/holder-quota.ts'
import { DHT_RECORD_PREFIX } from './record-sweeper.ts'
import { putFromOf } from './put-from.ts'

// The storage every node (tab or relay) gives libp2p, wrapped so that the mailbox records it
// keeps for other people are counted and capped (src/core/mailbox/holder-ledger.ts).
//
// kad-dht stores a PUT record at `/dht/record/<base32 of the record key>`, the value being a
// serialized Libp2pRecord around the mailbox record. A put that names its sender (kad-dht's
// PUT_VALUE handler, patched: patches/kad-dht-put-from.ts) is charged to that PeerId, and
// refused with a HolderQuotaError beyond the limits: the handler fails and kad-dht resets the
// writer's stream. A put without a sender is our own (our dht.put, kad-dht correcting its own
// copy after a GET): never charged. Every delete of a mailbox record (the sweep, kad-dht's 48 h
// rule on GET) releases its charge. Everything else passes straight through.

const MAILBOX_RECORD_KEY_PREFIX = new TextEncoder().encode(`/${MAILBOX_NAMESPACE}/`)
/**
 * Datastore keys of mailbox records start with this: base32 turns each 5 bits into a letter,
 * so the first floor(bits / 5) letters depend on the `/murmur-mailbox/` prefix alone. Start-up
 * reads just these records, not every presence and prekey record next to them.
 */
const MAILBOX_DATASTORE_PREFIX = `${DHT_RECORD_PREFIX}/` +
  toString(MAILBOX_RECORD_KEY_PREFIX, 'base32').slice(0, Math.floor(MAILBOX_RECORD_KEY_PREFIX.length * 8 / 5))

/** The mailbox slot key a datastore key stores, or undefined for any other key. */
export function mailboxSlotOfDatastoreKey (key: Key): Uint8Array | undefined {
  const text = key.toString()
  if (!text.startsWith(MAILBOX_DATASTORE_PREFIX)) return undefined
  let recordKey: Uint8Array
  try {
    recordKey = fromString(text.slice(DHT_RECORD_PREFIX.length + 1), 'base32')
  } catch {
    return undefined
  }
  if (recordKey.length <= MAILBOX_RECORD_KEY_PREFIX.length) return undefined
  for (let i = 0; i < MAILBOX_RECORD_KEY_PREFIX.length; i++) {
    if (recordKey[i] !== MAILBOX_RECORD_KEY_PREFIX[i]) return undefined
  }
  return recordKey
}

export interface HolderDatastoreInit {
  /** Tabs hold TAB_HOLDER_LIMITS; relays pass their own (relay/config.ts). */
  limits?: HolderLimits
  /** Called on every refused put, e.g. to log it; the put throws HolderQuotaError anyway. */
  onRefused?: (refusal: { writer: string, reason: QuotaRefusal }) => void
}

/** How much a holder keeps for others now; cheap enough to read on every /metrics scrape. */
export interface HolderUsage {
  records: number
  bytes: number
  /** Puts refused since start. */
  refused: number
}

export class HolderDatastore extends BaseDatastore implements Datastore {
  private readonly ledger: HolderLedger
  private refused = 0

  private constructor (private readonly inner: Datastore, private readonly init: HolderDatastoreInit) {
    super()
    this.ledger = new HolderLedger(init.limits ?? TAB_HOLDER_LIMITS)
  }

  /**
   * Wraps an open datastore and charges every mailbox record it already holds to
   * STORED_BEFORE_START (who wrote them is not stored), so a restart keeps the totals right.
   */
  static async open (inner: Datastore, init: HolderDatastoreInit = {}, options: AbortOptions = {}): Promise<HolderDatastore> {
    const holder = new HolderDatastore(inner, init)
    for await (const { key, value } of inner.query({ prefix: MAILBOX_DATASTORE_PREFIX }, options)) {
      const slot = mailboxSlotOfDatastoreKey(key)
      if (slot !== undefined) holder.ledger.charge(slot, value.byteLength)
    }
    return holder
  }

  get limits (): Readonly<HolderLimits> { return this.ledger.limits }

  usage (): HolderUsage {
    return { records: this.ledger.totalCount, bytes: this.ledger.totalBytes, refused: this.refused }
  }

  /** Bytes of mailbox records held for others (for a "mailbox bytes held" gauge). */
  heldBytes (): number {
    return this.ledger.totalBytes
  }

  /** What one writer (a PeerId string) is charged for now. */
  heldFor (writer: string): { count: number, bytes: number } {
    return this.ledger.account(writer)
  }

  override async put (key: Key, value: Uint8Array, options?: AbortOptions): Promise<Key> {
    const slot = mailboxSlotOfDatastoreKey(key)
    if (slot === undefined) return this.inner.put(key, value, options)
    const writer = putFromOf(options)
    const before = this.ledger.held(slot)
    if (writer === undefined) {
      // Our own record now sits in this slot: nobody else is charged for it.
      this.ledger.release(slot)
    } else {
      try {
        this.ledger.admitOrThrow({ writer, slotKey: slot, bytes: value.byteLength })
      } catch (err) {
        if (err instanceof HolderQuotaError) {
          this.refused++
          this.init.onRefused?.({ writer, reason: err.reason })
        }
        throw err
      }
    }
    try {
      return await this.inner.put(key, value, options)
    } catch (err) {
      // Nothing was written: put the slot's charge back as it was.
      this.ledger.release(slot)
      if (before !== undefined) this.ledger.charge(slot, before.bytes, before.writer)
      throw err
    }
  }

  override async delete (key: Key, options?: AbortOptions): Promise<void> {
    await this.inner.delete(key, options)
    const slot = mailboxSlotOfDatastoreKey(key)
    if (slot !== undefined) this.ledger.release(slot)
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
}
