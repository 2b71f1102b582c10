import { Record as DhtRecord, type Selectors } from '@libp2p/kad-dht'
import { namespaceOf } from './holder-keys.ts'
import { claimedByAnother } from '../core/mailbox/claim.ts'
import { MAILBOX_NAMESPACE } from '../core/mailbox/slots.ts'

/** A PUT of an older version of a record than the one held (issue 15 item 5). */
export class StaleRecordError extends Error {
  override name = 'StaleRecordError'
  constructor (message = 'This holder keeps a newer version of this record and does not go back to an older one.') {
    super(message)
  }
}

/** kad-dht's ADD_PROVIDER: Murmur publishes no provider records, so a holder keeps none. */
export class ProviderRecordRefusedError extends Error {
  override name = 'ProviderRecordRefusedError'
  constructor (message = 'Murmur\'s DHT keeps no provider records.') {
    super(message)
  }
}

/**
 * Whether the serialized DHT record `incoming` is older than `held`, by the namespace's own
 * selector (the one readers use): offered the two, it picks the held one. A tie (the same
 * version again) is not older, and neither is anything when the held copy is no longer
 * valid (expired, unreadable): a selector never picks an invalid record.
 */
export function olderThanHeld (incoming: Uint8Array, held: Uint8Array, selectors: Selectors): boolean {
  let fresh: DhtRecord
  let kept: DhtRecord
  try {
    fresh = DhtRecord.deserialize(incoming)
    kept = DhtRecord.deserialize(held)
  } catch {
    return false
  }
  const select = selectors[namespaceOf(fresh.key)]
  if (select == null) return false
  return select(fresh.key, [fresh.value, kept.value]) === 1
}

/** A PUT to a first-contact slot another newcomer owns (src/core/mailbox/claim.ts). */
export class SlotClaimedError extends StaleRecordError {
  override name = 'SlotClaimedError'
  constructor () {
    super('Another writer owns this first-contact slot; this holder keeps its record.')
  }
}

/**
 * Whether the serialized DHT record `incoming` would replace a claimed mailbox slot's record
 * owned by someone else: first come, first kept, whatever the seq.
 */
export function claimedByAnotherHeld (incoming: Uint8Array, held: Uint8Array, now: number = Date.now()): boolean {
  let fresh: DhtRecord
  let kept: DhtRecord
  try {
    fresh = DhtRecord.deserialize(incoming)
    kept = DhtRecord.deserialize(held)
  } catch {
    return false
  }
  if (namespaceOf(fresh.key) !== MAILBOX_NAMESPACE) return false
  return claimedByAnother(fresh.key, fresh.value, kept.value, now)
}
