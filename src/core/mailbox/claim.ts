import { equals } from 'uint8arrays'
import { InvalidRecordError } from '../errors.ts'
import { decodeMailboxRecord } from './record.ts'

// First come, first kept (docs/PROTOCOL.md, "First contact"): everyone holding an invite
// can derive its first-contact slots and their write key, so the write key alone cannot say
// whose a slot is. A claimed slot's record also names an owner key, and a holder keeps the
// first owner's record until it expires: a second newcomer (or anyone else with the link)
// cannot replace it, and moves on to the next slot instead. Pure: holders
// (src/net/stale-record.ts) and writers (src/app/mailbox/mailbox-writing.ts) both call it.

/**
 * Whether `incoming` must be refused at `key` because a valid, unexpired record held there
 * belongs to another owner. Anything held that is not valid any more claims nothing.
 */
export function claimedByAnother (key: Uint8Array, incoming: Uint8Array, held: Uint8Array, now: number = Date.now()): boolean {
  const kept = ownerAt(key, held, now)
  if (kept === undefined) return false
  const fresh = ownerAt(key, incoming, now)
  return fresh === undefined || !equals(fresh, kept)
}

/** The owner of a valid claimed record stored at `key`; undefined for anything else. */
export function ownerAt (key: Uint8Array, value: Uint8Array, now: number = Date.now()): Uint8Array | undefined {
  try {
    const record = decodeMailboxRecord(value, now)
    return key instanceof Uint8Array && equals(key, record.slotKey) ? record.owner : undefined
  } catch (err) {
    if (err instanceof InvalidRecordError) return undefined
    throw err
  }
}

/** Whether any of the values a lookup found at `key` is claimed by an owner other than `ours`. */
export function claimedByOther (key: Uint8Array, values: readonly Uint8Array[], ours: Uint8Array, now: number = Date.now()): boolean {
  return values.some((value) => {
    const owner = ownerAt(key, value, now)
    return owner !== undefined && !equals(owner, ours)
  })
}
