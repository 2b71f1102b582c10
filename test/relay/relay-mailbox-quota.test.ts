import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { QueryEvent } from '@libp2p/kad-dht'
import { connectDhtClient, waitFor, type DhtClient } from '../harness/dht-client.ts'
import { startRelayProcess, type RelayProcess } from '../harness/relay-process.ts'
import { mailboxSlot, slotEpoch } from '../../src/core/mailbox/slots.ts'
import { encodeMailboxRecord } from '../../src/core/mailbox/record.ts'

// The relay holds mailbox records for others within limits; this starts the real relay with
// tiny ones and fills it from real libp2p clients, each its own PeerId (its own writer).
const LIMITS = ['--mailbox-max-records-per-writer', '2', '--mailbox-max-records', '3']

function mailboxRecord (n: number, seq = 1): { key: Uint8Array, value: Uint8Array } {
  const slot = mailboxSlot(new Uint8Array(32).fill(9), new Uint8Array(32).fill(8), slotEpoch(), n)
  const now = Date.now()
  const value = encodeMailboxRecord(slot.writeKey, {
    seq,
    createdAt: now,
    expiresAt: now + 24 * 3600_000,
    entries: [{ id: new Uint8Array(16).fill(n + 1), payload: new Uint8Array(100).fill(seq) }]
  })
  return { key: slot.key, value }
}

type PutOutcome = 'accepted' | { from: string, error: string }

/**
 * PUTs through kad-dht and returns what the writer learns from the relay: it accepted, or a
 * query error (kad-dht reports a refused PUT as an event; `put` itself does not throw).
 */
async function put (client: DhtClient, record: { key: Uint8Array, value: Uint8Array }): Promise<PutOutcome> {
  const events: QueryEvent[] = []
  for await (const event of client.services.dht.put(record.key, record.value, { signal: AbortSignal.timeout(10_000) })) events.push(event)
  const error = events.find((e) => e.name === 'QUERY_ERROR')
  if (error != null) return { from: error.from.toString(), error: error.error.name }
  expect(events.some((e) => e.name === 'PEER_RESPONSE')).toBe(true)
  return 'accepted'
}

/** What a writer sees when the relay refuses its PUT: the relay resets the stream. */
const refusedBy = (relay: RelayProcess): PutOutcome => ({ from: relay.relayAddr.split('/p2p/')[1]!, error: 'StreamResetError' })

/** A fresh client, so the value can only come from the relay. */
async function getFromRelay (relay: RelayProcess, key: Uint8Array): Promise<Uint8Array | undefined> {
  const client = await connectDhtClient(relay.relayAddr)
  try {
    return await client.contentRouting.get(key, { signal: AbortSignal.timeout(10_000) })
  } catch (err: any) {
    const errors: any[] = err instanceof AggregateError ? err.errors : [err]
    if (errors.every((e) => e?.name === 'NotFoundError')) return undefined
    throw err
  } finally {
    await client.stop()
  }
}

describe('relay mailbox quota', () => {
  const [r0, r1, r2, r3] = [0, 1, 2, 3].map((n) => mailboxRecord(n))
  let root: string
  let relay: RelayProcess | undefined
  const clients: DhtClient[] = []
  const start = async (): Promise<RelayProcess> =>
    startRelayProcess(['--data', join(root, 'data'), '--app', join(root, 'app'), '--log', 'debug', ...LIMITS])
  const client = async (): Promise<DhtClient> => {
    const c = await connectDhtClient(relay!.relayAddr)
    clients.push(c)
    return c
  }

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'murmur-relay-quota-'))
    await mkdir(join(root, 'app'))
    await writeFile(join(root, 'app', 'index.html'), '<!doctype html>')
    relay = await start()
  })

  afterAll(async () => {
    await Promise.all(clients.map(async (c) => c.stop()))
    await relay?.stop()
    await rm(root, { recursive: true, force: true })
  })

  it('refuses a writer past its share, keeps serving what it accepted, and takes others until full', async () => {
    const alice = await client()
    expect(await put(alice, r0!)).toBe('accepted')
    expect(await put(alice, r1!)).toBe('accepted')

    expect(await put(alice, r2!)).toEqual(refusedBy(relay!))
    await waitFor(() => /refused a mailbox record: per-writer-count/.test(relay!.output()), 'the relay to log the refusal')
    expect(await getFromRelay(relay!, r2!.key)).toBeUndefined()

    // The relay still works, for the same writer and for others.
    expect(await getFromRelay(relay!, r0!.key)).toEqual(r0!.value)
    expect(await getFromRelay(relay!, r1!.key)).toEqual(r1!.value)
    const newer = mailboxRecord(0, 2)
    expect(await put(alice, newer)).toBe('accepted')
    expect(await getFromRelay(relay!, r0!.key)).toEqual(newer.value)

    const bob = await client()
    expect(await put(bob, r2!)).toBe('accepted')
    expect(await put(bob, r3!)).toEqual(refusedBy(relay!))
    await waitFor(() => /refused a mailbox record: total-count/.test(relay!.output()), 'the relay to log the full refusal')
    expect(await getFromRelay(relay!, r2!.key)).toEqual(r2!.value)
    expect(await getFromRelay(relay!, r3!.key)).toBeUndefined()
  })

  it('counts what it held before a restart', async () => {
    expect(await relay!.stop()).toBe(0)
    relay = await start()
    const carol = await client()
    const r4 = mailboxRecord(4)
    expect(await put(carol, r4)).toEqual(refusedBy(relay!))
    await waitFor(() => /refused a mailbox record: total-count/.test(relay!.output()), 'the relay to log the refusal')
    expect(await getFromRelay(relay!, r1!.key)).toEqual(r1!.value)
  })
})
