import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connectDhtClient, waitFor, type DhtClient } from '../harness/dht-client.ts'
import { startRelayProcess, type RelayProcess } from '../harness/relay-process.ts'
import { mailbox } from '../security/support/records.ts'
import { getFromRelay, putThrough } from '../security/support/relay-dht.ts'

// The relay holds mailbox records for others within limits per source (an IPv4 /24) and in
// total; this starts the real relay with tiny ones and fills it from real libp2p clients,
// each from a source address of its own choosing in 127.0.0.0/8.
const LIMITS = ['--mailbox-max-records-per-source', '2', '--mailbox-max-records', '3']

describe('relay mailbox quota', () => {
  const [r0, r1, r2, r3] = [0, 1, 2, 3].map((n) => mailbox(n))
  let root: string
  let relay: RelayProcess | undefined
  const clients: DhtClient[] = []
  const start = async (): Promise<RelayProcess> =>
    startRelayProcess(['--data', join(root, 'data'), '--app', join(root, 'app'), '--log', 'debug', ...LIMITS])
  const client = async (localAddress: string): Promise<DhtClient> => {
    const c = await connectDhtClient(relay!.relayAddr, { webSocket: { localAddress } })
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

  it('refuses a source past its share, keeps serving what it accepted, and makes room for others when full', async () => {
    // Two PeerIds on one network are one source.
    const alice = await client('127.0.0.2')
    const alice2 = await client('127.0.0.3')
    expect(await putThrough(alice, r0!)).toBe('accepted')
    expect(await putThrough(alice2, r1!)).toBe('accepted')

    expect(await putThrough(alice, r2!)).toBe('refused')
    await waitFor(() => /refused a mailbox record from 127\.0\.0\.0\/24: per-source-count/.test(relay!.output()), 'the relay to log the refusal')
    expect(await getFromRelay(relay!, r2!.key)).toBeUndefined()

    // The relay still works, for the same source and for others.
    expect(await getFromRelay(relay!, r0!.key)).toEqual(r0!.value)
    const newer = mailbox(0, 2)
    expect(await putThrough(alice, newer)).toBe('accepted')
    expect(await getFromRelay(relay!, r0!.key)).toEqual(newer.value)

    // Another network gets in; when the pool is full, the largest source's oldest record goes.
    const bob = await client('127.0.1.2')
    expect(await putThrough(bob, r2!)).toBe('accepted')
    expect(await putThrough(bob, r3!)).toBe('accepted')
    expect(await getFromRelay(relay!, r3!.key)).toEqual(r3!.value)
    expect(await getFromRelay(relay!, r1!.key)).toBeUndefined()
  })

  it('counts what it held before a restart', async () => {
    expect(await relay!.stop()).toBe(0)
    relay = await start()
    const carol = await client('127.0.2.2')
    const r4 = mailbox(4)
    // Full: the records stored before the restart are one account, the largest, and make room.
    expect(await putThrough(carol, r4)).toBe('accepted')
    expect(await getFromRelay(relay!, r4.key)).toEqual(r4.value)
    const left = await Promise.all([r0, r2, r3].map(async (r) => getFromRelay(relay!, r!.key)))
    expect(left.filter((v) => v != null)).toHaveLength(2)
  })
})
