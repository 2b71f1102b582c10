import type { PeerId } from '@libp2p/interface'

/**
 * The field of `datastore.put`'s options through which kad-dht's PUT_VALUE handler names the
 * peer that sent the record. Upstream passes no options there; patches/kad-dht-put-from.ts
 * adds this one, in the browser bundle and in the relay. Local puts (our own `dht.put`, and
 * kad-dht correcting its own copy) do not set it.
 */
export const PUT_FROM_OPTION = 'murmurPutFrom'

export interface PutFromOptions {
  [PUT_FROM_OPTION]?: PeerId
}

/** The remote writer of a put; undefined for our own puts. */
export function putFromPeer (options: unknown): PeerId | undefined {
  if (typeof options !== 'object' || options === null) return undefined
  return (options as PutFromOptions)[PUT_FROM_OPTION] ?? undefined
}

/** The remote writer of a put, as a PeerId string; undefined for our own puts. */
export function putFromOf (options: unknown): string | undefined {
  return putFromPeer(options)?.toString()
}
