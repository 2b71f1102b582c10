import { expect } from 'vitest'
import type { QueryEvent } from '@libp2p/kad-dht'
import { connectDhtClient, type DhtClient } from '../../harness/dht-client.ts'
import type { RelayProcess } from '../../harness/relay-process.ts'
import type { DhtEntry } from './records.ts'

export type PutOutcome = 'accepted' | 'refused'

/**
 * PUTs through kad-dht and returns what the writer learns from the relay: it accepted, or it
 * refused (kad-dht reports a refused PUT as a QUERY_ERROR event; `put` itself does not throw).
 */
export async function putThrough (client: DhtClient, entry: DhtEntry): Promise<PutOutcome> {
  const events: QueryEvent[] = []
  for await (const event of client.services.dht.put(entry.key, entry.value, { signal: AbortSignal.timeout(10_000) })) events.push(event)
  if (events.some((e) => e.name === 'QUERY_ERROR')) return 'refused'
  expect(events.some((e) => e.name === 'PEER_RESPONSE')).toBe(true)
  return 'accepted'
}

/** A fresh client, so the value can only come from the relay. */
export async function getFromRelay (relay: RelayProcess, key: Uint8Array): Promise<Uint8Array | undefined> {
  const client = await connectDhtClient(relay.relayAddr)
  try {
    // A Buffer in Node: compared as plain bytes.
    return new Uint8Array(await client.contentRouting.get(key, { signal: AbortSignal.timeout(10_000) }))
  } catch (err) {
    const errors: unknown[] = err instanceof AggregateError ? err.errors : [err]
    if (errors.every((e) => (e as Error)?.name === 'NotFoundError')) return undefined
    throw err
  } finally {
    await client.stop()
  }
}

/** One sample of the relay's /metrics, by exact name (labels included); NaN when absent. */
export async function metric (relay: RelayProcess, name: string): Promise<number> {
  const text = await (await fetch(new URL('/metrics', relay.url))).text()
  const escaped = name.replace(/[{}"=]/g, (c) => `\\${c}`)
  return Number(new RegExp(`^${escaped} (\\d+)$`, 'm').exec(text)?.[1])
}
