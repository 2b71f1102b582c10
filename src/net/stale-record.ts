import { Record as DhtRecord, type Selectors } from '@libp2p/kad-dht'
import { namespaceOf } from './holder-keys.ts'

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
