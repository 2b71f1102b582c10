import { ReasonedError } from '../errors.ts'
import {
  assertAdmitRequest,
  assertLimits,
  refusalFor,
  slotId,
  TAB_HOLDER_LIMITS,
  type Account,
  type AdmitRequest,
  type Held,
  type HolderLimits,
  type QuotaRefusal
} from './holder-quota.ts'

// The mutable twin of holder-quota.ts, for the datastore that actually holds the records: a
// relay holds hundreds of thousands, and copying two maps on every PUT would cost O(n) each.
// Same rules (refusalFor), same meaning of admit and release; changes happen in place.

/**
 * The account charged for records found in storage at start. Who wrote them is not kept on
 * disk (a holder should remember as little as it can about who writes where), so after a
 * restart they belong to nobody in particular: they count towards the totals, never towards
 * a real writer's share, and a new version of such a slot moves to its writer's account.
 * Not a possible PeerId string (those are base58btc or base32, without dashes).
 */
export const STORED_BEFORE_START = 'stored-before-start'

const MESSAGES: Record<QuotaRefusal, (limits: HolderLimits) => string> = {
  'per-writer-count': (l) => `This holder already keeps ${l.perWriterCount} mailbox records for this writer and takes no more from it.`,
  'per-writer-bytes': (l) => `This holder already keeps ${l.perWriterBytes} bytes of mailbox records for this writer and takes no more from it.`,
  'total-count': (l) => `This holder is full: it keeps at most ${l.totalCount} mailbox records for others.`,
  'total-bytes': (l) => `This holder is full: it keeps at most ${l.totalBytes} bytes of mailbox records for others.`
}

/** A mailbox record refused by a holder's quota; `reason` says which limit. */
export class HolderQuotaError extends ReasonedError<QuotaRefusal> {
  override name = 'HolderQuotaError'
}

export type LedgerAdmitResult =
  | { ok: true, replaced: Held | undefined }
  | { ok: false, reason: QuotaRefusal }

export class HolderLedger {
  readonly limits: Readonly<HolderLimits>
  private readonly slots = new Map<string, Held>()
  private readonly writers = new Map<string, Account>()
  private count = 0
  private bytes = 0

  constructor (limits: HolderLimits = TAB_HOLDER_LIMITS) {
    assertLimits(limits)
    this.limits = Object.freeze({ ...limits })
  }

  get totalCount (): number { return this.count }
  get totalBytes (): number { return this.bytes }

  /** What one writer is charged for now (zero for a writer we hold nothing from). */
  account (writer: string): Account {
    const account = this.writers.get(writer)
    return account === undefined ? { count: 0, bytes: 0 } : { ...account }
  }

  /** Who is charged for a slot, and how much; undefined when we hold nothing there. */
  held (slotKey: Uint8Array): Held | undefined {
    const held = this.slots.get(slotId(slotKey))
    return held === undefined ? undefined : { ...held }
  }

  /**
   * Charges a record to its writer when it fits, replacing (and uncharging) the slot's older
   * version. A refusal changes nothing; `replaced` lets a caller undo an admit whose write
   * then failed (release, then charge the replaced one again).
   */
  admit (request: AdmitRequest): LedgerAdmitResult {
    assertAdmitRequest(request)
    const id = slotId(request.slotKey)
    const old = this.slots.get(id)
    const sameWriter = old?.writer === request.writer
    const account = this.account(request.writer)
    if (sameWriter) {
      account.count -= 1
      account.bytes -= old.bytes
    }
    const totals = {
      totalCount: this.count - (old === undefined ? 0 : 1),
      totalBytes: this.bytes - (old?.bytes ?? 0)
    }
    const reason = refusalFor(account, totals, request.bytes, this.limits)
    if (reason !== undefined) return { ok: false, reason }
    this.remove(id)
    this.add(id, { writer: request.writer, bytes: request.bytes })
    return { ok: true, replaced: old === undefined ? undefined : { ...old } }
  }

  /** `admit`, or a HolderQuotaError that names the limit. */
  admitOrThrow (request: AdmitRequest): LedgerAdmitResult & { ok: true } {
    const result = this.admit(request)
    if (!result.ok) throw new HolderQuotaError(result.reason, MESSAGES[result.reason](this.limits))
    return result
  }

  /**
   * Charges a record that is already stored, whatever the limits say: records found at start
   * (to STORED_BEFORE_START), or one put back by an undo. Replaces the slot's older charge.
   */
  charge (slotKey: Uint8Array, bytes: number, writer: string = STORED_BEFORE_START): void {
    assertAdmitRequest({ writer, slotKey, bytes })
    const id = slotId(slotKey)
    this.remove(id)
    this.add(id, { writer, bytes })
  }

  /** Uncharges a slot's record; false when it was not charged. */
  release (slotKey: Uint8Array): boolean {
    if (!(slotKey instanceof Uint8Array)) throw new TypeError('slotKey must be bytes')
    return this.remove(slotId(slotKey))
  }

  private add (id: string, held: Held): void {
    this.slots.set(id, held)
    const account = this.writers.get(held.writer)
    if (account === undefined) this.writers.set(held.writer, { count: 1, bytes: held.bytes })
    else { account.count += 1; account.bytes += held.bytes }
    this.count += 1
    this.bytes += held.bytes
  }

  private remove (id: string): boolean {
    const held = this.slots.get(id)
    if (held === undefined) return false
    this.slots.delete(id)
    const account = this.writers.get(held.writer)!
    if (account.count === 1) this.writers.delete(held.writer)
    else { account.count -= 1; account.bytes -= held.bytes }
    this.count -= 1
    this.bytes -= held.bytes
    return true
  }
}
