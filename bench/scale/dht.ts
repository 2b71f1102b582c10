// npm run bench:dht [-- --peers 50 --lookups 200]
// A Murmur DHT of three relays (joined with --bootstrap) and --peers Node peers in server
// mode, each bootstrapped from one relay. Every peer publishes a presence record; then
// random peers look up random others' presence. For each lookup: the latency of the whole
// get (what the app waits for), the latency to the first copy from another node, and its
// hop count: the starting peers of a query are hop 1, a peer first named in a hop-n
// peer's answer is hop n+1 (read from kad-dht's query events).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLibp2p, type Libp2p } from 'libp2p'
import { webSockets } from '@libp2p/websockets'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { kadDHT, EventTypes, type KadDHT } from '@libp2p/kad-dht'
import { multiaddr } from '@multiformats/multiaddr'
import { murmurDhtInit } from '../../src/net/dht-config.ts'
import { createIdentity } from '../../src/core/identity.ts'
import { encodePresence, presenceKey } from '../../src/core/presence.ts'
import { killOnExit, load1, machine, numberFlag, round, sleep, startRelayProcess, summarize, writeResults, type RelayProcess } from './support.ts'

type DhtPeer = Libp2p<{ dht: KadDHT }>

const argv = process.argv.slice(2)
const PEERS = numberFlag(argv, 'peers', 50)
const LOOKUPS = numberFlag(argv, 'lookups', 200)
const CONCURRENT_LOOKUPS = 4

const root = await mkdtemp(join(tmpdir(), 'murmur-bench-dht-'))
const relays: RelayProcess[] = []
const peers: DhtPeer[] = []
const began = Date.now()

async function startPeer (bootstrap: string): Promise<DhtPeer> {
  const node = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0/ws'] },
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: { inboundConnectionThreshold: 100_000 },
    services: { identify: identify(), ping: ping(), dht: kadDHT(murmurDhtInit({ clientMode: false })) }
  }) as unknown as DhtPeer
  // A loaded machine can time a handshake out: try a few times before giving up.
  for (let attempt = 1; ; attempt++) {
    try {
      await node.dial(multiaddr(bootstrap), { signal: AbortSignal.timeout(30_000) })
      return node
    } catch (err) {
      if (attempt === 3) { await node.stop(); throw err }
    }
  }
}

/**
 * One lookup, read from kad-dht's events: hops and time to the first copy from another
 * node. The node's own copy, when it is one of the record's closest nodes, is not counted.
 */
async function lookup (from: DhtPeer, key: Uint8Array): Promise<{ ms: number, firstRemoteMs?: number, hops?: number, queried: number, found: boolean }> {
  const depth = new Map<string, number>()
  let firstRemoteMs: number | undefined
  let hops: number | undefined
  let found = false
  const started = performance.now()
  for await (const event of from.services.dht.get(key, { signal: AbortSignal.timeout(30_000) })) {
    if (event.type === EventTypes.SEND_QUERY) {
      const to = event.to.toString()
      if (!depth.has(to)) depth.set(to, 1)
    } else if (event.type === EventTypes.PEER_RESPONSE) {
      const at = depth.get(event.from.toString()) ?? 1
      for (const closer of event.closer) {
        const id = closer.id.toString()
        if (!depth.has(id)) depth.set(id, at + 1)
      }
      // kad-dht holds VALUE events back until the query ends; a copy from another node
      // shows first as a response that carries the record.
      if (event.record != null && firstRemoteMs == null) {
        firstRemoteMs = performance.now() - started
        hops = at
      }
    } else if (event.type === EventTypes.VALUE) {
      found = true
    }
  }
  return { ms: performance.now() - started, firstRemoteMs, hops, queried: depth.size, found }
}

try {
  const start = async (name: string, bootstrap: string[]): Promise<RelayProcess> => {
    const relay = await startRelayProcess(['--data', join(root, name), '--app', root, '--log', 'error',
      '--connections-per-ip-per-second', '100000', '--max-connections-per-ip', '100000', ...(bootstrap.length > 0 ? ['--bootstrap', bootstrap.join(',')] : [])])
    relays.push(relay)
    killOnExit(relay.child)
    return relay
  }
  const a = await start('a', [])
  const b = await start('b', [a.relayAddr])
  await start('c', [a.relayAddr, b.relayAddr])

  // Ten at a time: one by one takes minutes on a loaded machine.
  for (let i = 0; i < PEERS; i += 10) {
    const batch = Array.from({ length: Math.min(10, PEERS - i) }, (_, j) => startPeer(relays[(i + j) % relays.length]!.relayAddr))
    for (const result of await Promise.allSettled(batch)) if (result.status === 'fulfilled') peers.push(result.value)
  }
  // Let every peer's self-query and routing-table refresh run before anyone publishes.
  const tableSize = (p: DhtPeer): number => (p.services.dht as any).routingTable?.size as number
  const settleBy = Date.now() + 60_000
  await sleep(15_000)
  while (Date.now() < settleBy && peers.some((p) => tableSize(p) < 3)) await sleep(1000)
  const tableSizes = peers.map(tableSize)
  console.log(`${relays.length} relays + ${peers.length} of ${PEERS} peers up after ${Math.round((Date.now() - began) / 1000)} s; routing table sizes p50 ${summarize(tableSizes).p50}, min ${summarize(tableSizes).min}; load ${load1()}`)

  const keys: Uint8Array[] = []
  const putMs: number[] = []
  const putResults = await Promise.allSettled(peers.map(async (peer) => {
    const identity = createIdentity()
    const addrs = peer.getMultiaddrs().map(String)
    const value = encodePresence(identity, { seq: 1, expiresAt: Date.now() + 3600_000, peers: [{ peerId: peer.peerId.toString(), addrs }] })
    const key = presenceKey(identity.publicKey)
    const t = performance.now()
    await peer.contentRouting.put(key, value, { signal: AbortSignal.timeout(60_000) })
    putMs.push(performance.now() - t)
    keys.push(key)
  }))
  const putFailures = putResults.filter((r) => r.status === 'rejected').length
  console.log(`published ${keys.length} presence records (${putFailures} puts failed): put p50 ${round(summarize(putMs).p50)} ms, p95 ${round(summarize(putMs).p95)} ms; load ${load1()}`)

  const results: Awaited<ReturnType<typeof lookup>>[] = []
  let next = 0
  const loadAtLookups = load1()
  await Promise.all(Array.from({ length: CONCURRENT_LOOKUPS }, async () => {
    while (next < LOOKUPS) {
      next++
      const from = peers[Math.floor(Math.random() * peers.length)]!
      const key = keys[Math.floor(Math.random() * keys.length)]!
      results.push(await lookup(from, key).catch(() => ({ ms: NaN, queried: 0, found: false })))
    }
  }))
  const remote = results.filter((r) => r.firstRemoteMs != null)
  const summary = {
    nodes: relays.length + peers.length,
    putFailures,
    routingTableSizes: summarize(tableSizes),
    lookups: results.length,
    found: results.filter((r) => r.found).length,
    wholeGetMs: summarize(results.filter((r) => r.found).map((r) => r.ms)),
    firstRemoteCopyMs: summarize(remote.map((r) => r.firstRemoteMs!)),
    hops: summarize(remote.map((r) => r.hops!)),
    hopHistogram: Object.fromEntries([...new Set(remote.map((r) => r.hops!))].sort().map((h) => [h, remote.filter((r) => r.hops === h).length])),
    peersQueried: summarize(results.map((r) => r.queried)),
    putMs: summarize(putMs),
    load1: { atLookups: loadAtLookups, atEnd: load1() }
  }
  console.log(JSON.stringify(summary, (_, v) => typeof v === 'number' ? round(v) : v, 1))
  console.log(`results in ${writeResults('dht', { date: new Date().toISOString(), machine: machine(), summary })}`)
} finally {
  await Promise.allSettled(peers.map(async (p) => p.stop()))
  await Promise.allSettled(relays.map(async (r) => r.stop()))
  await rm(root, { recursive: true, force: true })
}
