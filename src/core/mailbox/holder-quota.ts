import { toString } from 'uint8arrays'

// What a holder (a tab or a relay) agrees to keep for other people. Mailbox records are
// other people's data in our storage: without a cap, anyone could fill a tab's IndexedDB.
// The accounting is pure; the shell asks `admit` before it stores a validated record and
// calls `release` when it drops one (expiry, the 48 h rule, or eviction).
//
// Who is charged: each slot has its own write key (src/core/mailbox/slots.ts), so a write key
// never holds more than one record and would make a useless account. The shell charges the
// one identity it sees behind a PUT, the remote libp2p PeerId (kad-dht's PUT handler has it
// but passes it neither to validators nor to the datastore: patches/kad-dht-put-from.ts makes
// it pass it to the datastore, src/net/holder-datastore.ts charges it). That does not stop
// someone who makes many PeerIds; the totals do.
//
// Each step copies the maps: fine for a few thousand records. The holders themselves use the
// mutable twin in holder-ledger.ts, which applies the same rules (`refusalFor`) in place.

export interface HolderLimits {
  perWriterCount: number
  perWriterBytes: number
  totalCount: number
  totalBytes: number
}

/**
 * Sized for a tab: 64 MiB of other people's mail is a fair share of a browser profile, and
 * 64 records of up to 1 MiB per writer are 2-4 busy days of one conversation. A relay with a
 * disk passes bigger limits.
 */
export const TAB_HOLDER_LIMITS: Readonly<HolderLimits> = Object.freeze({
  perWriterCount: 64,
  perWriterBytes: 1024 * 1024,
  totalCount: 10_000,
  totalBytes: 64 * 1024 * 1024
})

export type QuotaRefusal = 'per-writer-count' | 'per-writer-bytes' | 'total-count' | 'total-bytes'

export interface Held { writer: string, bytes: number }
export interface Account { count: number, bytes: number }

/** Immutable: every step returns a new quota and leaves the one it was given as it was. */
export interface HolderQuota {
  readonly slots: ReadonlyMap<string, Held>
  readonly writers: ReadonlyMap<string, Account>
  readonly totalCount: number
  readonly totalBytes: number
}

export interface AdmitRequest {
  /** Whom to charge: the PUTting peer's PeerId. */
  writer: string
  slotKey: Uint8Array
  /** The stored record's length. */
  bytes: number
}

export type AdmitResult =
  | { quota: HolderQuota, ok: true }
  | { quota: HolderQuota, ok: false, reason: QuotaRefusal }

export function emptyQuota (): HolderQuota {
  return { slots: new Map(), writers: new Map(), totalCount: 0, totalBytes: 0 }
}

// Slot keys are UTF-8 text for real records, but the accounting must not depend on it.
export const slotId = (slotKey: Uint8Array): string => toString(slotKey, 'base64')

export function assertLimits (limits: HolderLimits): void {
  for (const [field, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`limits.${field} must be a non-negative integer, got ${String(value)}`)
  }
}

export function assertAdmitRequest (request: AdmitRequest): void {
  if (typeof request.writer !== 'string' || request.writer.length === 0) throw new TypeError('writer must be a non-empty string')
  if (!(request.slotKey instanceof Uint8Array)) throw new TypeError('slotKey must be bytes')
  if (!Number.isSafeInteger(request.bytes) || request.bytes < 0) throw new RangeError(`bytes must be a non-negative integer, got ${request.bytes}`)
}

/**
 * The one rule both accountants apply: would one more record of `bytes`, charged to a writer
 * whose account is `account`, break a limit? `account` and `totals` exclude any older version
 * of the same slot, which the new record replaces.
 */
export function refusalFor (
  account: Account,
  totals: { totalCount: number, totalBytes: number },
  bytes: number,
  limits: HolderLimits
): QuotaRefusal | undefined {
  if (account.count + 1 > limits.perWriterCount) return 'per-writer-count'
  if (account.bytes + bytes > limits.perWriterBytes) return 'per-writer-bytes'
  if (totals.totalCount + 1 > limits.totalCount) return 'total-count'
  if (totals.totalBytes + bytes > limits.totalBytes) return 'total-bytes'
  return undefined
}

function without (quota: HolderQuota, id: string): HolderQuota {
  const held = quota.slots.get(id)
  if (held === undefined) return quota
  const slots = new Map(quota.slots)
  slots.delete(id)
  const writers = new Map(quota.writers)
  const account = writers.get(held.writer)!
  if (account.count === 1) writers.delete(held.writer)
  else writers.set(held.writer, { count: account.count - 1, bytes: account.bytes - held.bytes })
  return { slots, writers, totalCount: quota.totalCount - 1, totalBytes: quota.totalBytes - held.bytes }
}

/**
 * Whether to store a record, and the quota after storing it. A new version of a slot already
 * held replaces it, so the old one's size is freed before the limits are checked (whoever was
 * charged for it). A refusal leaves the quota, and the old version, as they were.
 */
export function admit (quota: HolderQuota, request: AdmitRequest, limits: HolderLimits = TAB_HOLDER_LIMITS): AdmitResult {
  assertLimits(limits)
  assertAdmitRequest(request)
  const id = slotId(request.slotKey)
  const rest = without(quota, id)
  const account = rest.writers.get(request.writer) ?? { count: 0, bytes: 0 }
  const reason = refusalFor(account, rest, request.bytes, limits)
  if (reason !== undefined) return { quota, ok: false, reason }
  const slots = new Map(rest.slots).set(id, { writer: request.writer, bytes: request.bytes })
  const writers = new Map(rest.writers).set(request.writer, { count: account.count + 1, bytes: account.bytes + request.bytes })
  return {
    quota: { slots, writers, totalCount: rest.totalCount + 1, totalBytes: rest.totalBytes + request.bytes },
    ok: true
  }
}

/** The quota after dropping a slot's record; the same quota when it was not held. */
export function release (quota: HolderQuota, slotKey: Uint8Array): HolderQuota {
  if (!(slotKey instanceof Uint8Array)) throw new TypeError('slotKey must be bytes')
  return without(quota, slotId(slotKey))
}
