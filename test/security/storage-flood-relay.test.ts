import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connectDhtClient, type DhtClient } from '../harness/dht-client.ts'
import { startRelayProcess, type RelayProcess } from '../harness/relay-process.ts'
import { mailbox, presence, strangerMailbox, type DhtEntry } from './support/records.ts'
import { getFromRelay, metric, putThrough, type PutOutcome } from './support/relay-dht.ts'

// Issue 15 item 4, on a relay: real kad-dht PUTs from many fresh PeerIds (each a new libp2p
// node with its own key) coming from a few networks, as a flood would, against a relay with
// small limits. Presence records had no quota at all and the mailbox quota was per PeerId;
// now each source (an IPv4 /24) has a share of each pool, a full pool makes room from its
// largest source, and an honest writer from another network still gets in. All of it on
// loopback: 127.0.0.0/8 is one interface, so clients pick their source address in it.
//
// The limits come through the environment, so the same test runs against an older relay
// (which ignores unknown variables) and fails there for the right reason.
const LIMITS = {
  MURMUR_DIRECTORY_MAX_RECORDS: '60',
  MURMUR_DIRECTORY_MAX_RECORDS_PER_SOURCE: '30',
  MURMUR_MAILBOX_MAX_RECORDS: '40',
  MURMUR_MAILBOX_MAX_RECORDS_PER_SOURCE: '15'
}

describe('a relay flooded from a few networks by many fresh PeerIds', () => {
  let root: string
  let relay: RelayProcess
  const clients: DhtClient[] = []

  const clientFrom = async (localAddress: string): Promise<DhtClient> => {
    const client = await connectDhtClient(relay.relayAddr, { webSocket: { localAddress } })
    clients.push(client)
    return client
  }

  /** `peers` fresh PeerIds from `localAddress`, each PUTting its share of `entries`. */
  const flood = async (localAddress: string, peers: number, entries: DhtEntry[]): Promise<Record<PutOutcome, number>> => {
    const outcomes = { accepted: 0, refused: 0 }
    const perPeer = Math.ceil(entries.length / peers)
    for (let p = 0; p < peers; p++) {
      const client = await clientFrom(localAddress)
      for (const entry of entries.slice(p * perPeer, (p + 1) * perPeer)) outcomes[await putThrough(client, entry)]++
      await client.stop()
    }
    return outcomes
  }

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'murmur-flood-'))
    await mkdir(join(root, 'app'))
    await writeFile(join(root, 'app', 'index.html'), '<!doctype html>')
    relay = await startRelayProcess(['--data', join(root, 'data'), '--app', join(root, 'app'), '--log', 'debug'], undefined, LIMITS)
  })

  afterAll(async () => {
    await Promise.all(clients.map(async (c) => c.stop()))
    await relay?.stop()
    await rm(root, { recursive: true, force: true })
  })

  it('gives each network its share, and an honest writer from another network still gets in', async () => {
    const rssBefore = await metric(relay, 'process_resident_memory_bytes')
    const presences = (n: number): DhtEntry[] => Array.from({ length: n }, () => presence())
    const mail = (from: number, n: number): DhtEntry[] => Array.from({ length: n }, (_, i) => strangerMailbox(from + i, 2000))

    // Network A: eight PeerIds, 48 presence records and 24 mailbox records: past its share of both.
    const a = await flood('127.0.0.2', 8, [...presences(48), ...mail(0, 24)])
    expect(a.refused).toBeGreaterThanOrEqual(18 + 9)
    expect(a.accepted).toBe(30 + 15)
    // Networks B and C fill the pools; C's records make room from the largest sources.
    const b = await flood('127.0.2.2', 6, [...presences(30), ...mail(100, 15)])
    expect(b.refused).toBe(0)
    const c = await flood('127.0.3.2', 6, [...presences(30), ...mail(200, 15)])
    expect(c.refused).toBe(0)

    expect(await metric(relay, 'murmur_relay_dht_namespace_records{namespace="murmur-presence"}')).toBeLessThanOrEqual(60)
    expect(await metric(relay, 'murmur_relay_mailbox_records')).toBeLessThanOrEqual(40)
    expect(await metric(relay, 'murmur_relay_dht_refused_total{reason="per-source-count"}')).toBe(a.refused)
    expect(await metric(relay, 'murmur_relay_dht_evicted_total')).toBeGreaterThan(0)

    // An honest person on another network: their mail and their presence are taken and served.
    const honest = await clientFrom('127.0.1.2')
    const letter = mailbox(2, 1, 3000, 77)
    const coordinates = presence()
    expect(await putThrough(honest, letter)).toBe('accepted')
    expect(await putThrough(honest, coordinates)).toBe('accepted')
    expect(await getFromRelay(relay, letter.key)).toEqual(letter.value)
    expect(await getFromRelay(relay, coordinates.key)).toEqual(coordinates.value)

    const rssAfter = await metric(relay, 'process_resident_memory_bytes')
    console.log(`relay RSS ${Math.round(rssBefore / 2 ** 20)} MiB before the flood, ${Math.round(rssAfter / 2 ** 20)} MiB after`)
  })
})
