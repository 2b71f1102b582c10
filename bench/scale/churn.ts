// npm run bench:churn [-- --duration 600 --rate 2 --population 200 --records 5]
// Tabs join and leave three relays of one network at a set rate for a set time (default
// 10 minutes): each second, --rate tabs leave and as many join, plus any needed to bring
// the population back (a join can fail when the machine is loaded). Checks: no relay crashes, relay memory flat after warm-up (RSS sampled
// every 15 s), and mailbox records put at the start through the DHT can still be got at
// the end while their holders (the relays) remain.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connectDhtClient } from '../../test/harness/dht-client.ts'
import { prepareRelayIdentity } from '../../test/harness/relay-identity.ts'
import { mailboxSlot, slotEpoch } from '../../src/core/mailbox/slots.ts'
import { encodeMailboxRecord } from '../../src/core/mailbox/record.ts'
import { slope } from '../stats.ts'
import { killOnExit, load1, machine, mib, numberFlag, relayMetrics, sleep, startRelayProcess, writeResults, type RelayProcess } from './support.ts'
import { startWorkers } from './workers.ts'

const argv = process.argv.slice(2)
const DURATION_S = numberFlag(argv, 'duration', 600)
/** Joins per second, and as many leaves: the population stays about the same. */
const RATE = numberFlag(argv, 'rate', 2)
const POPULATION = numberFlag(argv, 'population', 200)
const RECORDS = numberFlag(argv, 'records', 5)
const SAMPLE_EVERY_MS = 15_000
/** Joins one worker may have under way at once (the load loop's bound). */
const MAX_JOINING = Math.max(8, 4 * RATE)
/** Samples before this share of the run are warm-up: the population is still settling. */
const WARM_UP_SHARE = 0.25

const root = await mkdtemp(join(tmpdir(), 'murmur-bench-churn-'))
const relays: RelayProcess[] = []
// Only relays an operator names are handed to tabs: each names those that join it later.
const ids = Object.fromEntries(await Promise.all(['a', 'b', 'c'].map(async (n) => [n, await prepareRelayIdentity(join(root, n))])))
const startOne = async (name: string, bootstrap: string[], neighbours: string[] = []): Promise<RelayProcess> => {
  const relay = await startRelayProcess(['--data', join(root, name), '--app', root, '--log', 'error',
    '--connections-per-ip-per-second', '100000', '--max-reservations-per-ip', '100000', '--max-connections-per-ip', '100000',
    ...(bootstrap.length > 0 ? ['--bootstrap', bootstrap.join(',')] : []),
    ...(neighbours.length > 0 ? ['--neighbour', neighbours.join(',')] : [])])
  relays.push(relay)
  killOnExit(relay.child)
  return relay
}
const a = await startOne('a', [], [ids.b!, ids.c!])
const b = await startOne('b', [a.relayAddr], [ids.c!])
await startOne('c', [a.relayAddr, b.relayAddr])
const relayAddrs = relays.map((r) => r.relayAddr)
const workers = startWorkers(2)
const samples: Array<{ atS: number, load1: number, relays: Array<{ rssMiB: number, heapMiB: number, reservations: number, connections: number, mailboxRecords: number }> }> = []
const began = Date.now()

async function sample (): Promise<void> {
  const metrics = await Promise.all(relays.map(async (r) => relayMetrics(r.url)))
  const row = {
    atS: Math.round((Date.now() - began) / 1000),
    load1: load1(),
    relays: metrics.map((m) => ({
      rssMiB: mib(m.process_resident_memory_bytes!),
      heapMiB: mib(m.nodejs_heap_used_bytes!),
      reservations: m.murmur_relay_reservations!,
      connections: m.murmur_relay_connections!,
      mailboxRecords: m.murmur_relay_mailbox_records!
    }))
  }
  samples.push(row)
  console.log(`${row.atS}s load ${row.load1}: ` + row.relays.map((r, i) => `${'ABC'[i]} ${r.reservations} res, ${r.connections} conns, RSS ${r.rssMiB} MiB, heap ${r.heapMiB} MiB, ${r.mailboxRecords} mailbox`).join(' | '))
}

try {
  // Mailbox records first, while the relays are the only DHT servers: they are the holders.
  await sleep(3000)
  const writer = await connectDhtClient(a.relayAddr)
  const records: Array<{ key: Uint8Array, value: Uint8Array }> = []
  for (let i = 0; i < RECORDS; i++) {
    const slot = mailboxSlot(crypto.getRandomValues(new Uint8Array(32)), crypto.getRandomValues(new Uint8Array(32)), slotEpoch(), i)
    const value = encodeMailboxRecord(slot.writeKey, {
      seq: 1, createdAt: Date.now(), expiresAt: Date.now() + 24 * 3600_000,
      entries: [{ id: crypto.getRandomValues(new Uint8Array(16)), payload: crypto.getRandomValues(new Uint8Array(512)) }]
    })
    await writer.contentRouting.put(slot.key, value, { signal: AbortSignal.timeout(30_000) })
    records.push({ key: slot.key, value })
  }
  await writer.stop()

  // The population arrives, half in each worker, spread over the three relays.
  const joined = await Promise.all([0, 1].map(async (i) => workers.ask(i, { type: 'add', count: Math.ceil(POPULATION / 2), relayAddrs, concurrency: 4, dht: true })))
  const populationFailures = joined.flatMap((r) => r.type === 'added' ? r.failures : [])
  console.log(`population: ${POPULATION - populationFailures.length} of ${POPULATION} reserved after ${Math.round((Date.now() - began) / 1000)} s` +
    `${populationFailures[0] != null ? ` (first failure: ${populationFailures[0]})` : ''}; churning ${RATE}/s for ${DURATION_S} s`)
  await sample()

  // Each second one worker drops --rate tabs and starts as many joins as bring its half of
  // the population back. Joins run while the clock goes on (a join takes seconds on a loaded
  // machine; waiting for them would slow the rate to what one join takes), at most
  // MAX_JOINING a worker at once: past that the tick skips its joins and counts them late.
  const churnStart = Date.now()
  const joining = [0, 0]
  const inFlight = new Set<Promise<void>>()
  let leaves = 0
  let joins = 0
  let joinFailures = 0
  let lateJoins = 0
  let firstJoinFailure: string | undefined
  let nextSample = Date.now() + SAMPLE_EVERY_MS
  for (let tick = 0; Date.now() - churnStart < DURATION_S * 1000; tick++) {
    const tickStart = Date.now()
    const w = tick % 2
    const dropped = await workers.ask(w, { type: 'drop', count: RATE })
    if (dropped.type === 'dropped') leaves += dropped.left
    const missing = Math.ceil(POPULATION / 2) - (dropped.type === 'dropped' ? dropped.held : 0) - joining[w]!
    const count = Math.max(0, Math.min(missing, MAX_JOINING - joining[w]!))
    lateJoins += Math.max(0, missing - count)
    if (count > 0) {
      joining[w]! += count
      const job = workers.ask(w, { type: 'add', count, relayAddrs, concurrency: count, dht: true }).then((added) => {
        if (added.type !== 'added') return
        joins += added.times.length
        joinFailures += added.failures.length
        firstJoinFailure ??= added.failures[0]
      }).finally(() => { joining[w]! -= count; inFlight.delete(job) })
      inFlight.add(job)
    }
    if (Date.now() >= nextSample) { await sample(); nextSample += SAMPLE_EVERY_MS }
    for (const relay of relays) if (relay.child.exitCode != null) throw new Error(`a relay exited during the churn:\n${relay.output()}`)
    await sleep(Math.max(0, 1000 - (Date.now() - tickStart)))
  }
  await Promise.allSettled(inFlight)
  const churnS = (Date.now() - churnStart) / 1000
  await sample()

  // Every record is asked for by a fresh client that knows only the third relay.
  const reader = await connectDhtClient(relays[2]!.relayAddr)
  let found = 0
  for (const { key, value } of records) {
    const got = await reader.contentRouting.get(key, { signal: AbortSignal.timeout(30_000) }).catch(() => undefined)
    if (got != null && Buffer.from(got).equals(Buffer.from(value))) found++
  }
  await reader.stop()

  const afterWarmUp = samples.filter((s) => s.atS >= samples[0]!.atS + DURATION_S * WARM_UP_SHARE)
  const rssSlopes = relays.map((_, i) => slope(afterWarmUp.map((s) => s.relays[i]!.rssMiB)) * (60_000 / SAMPLE_EVERY_MS))
  const summary = {
    durationS: DURATION_S, rate: RATE, population: POPULATION, populationFailures: populationFailures.length,
    leaves, joins, joinFailures, lateJoins, firstJoinFailure, firstPopulationFailure: populationFailures[0],
    achievedJoinsPerSecond: Math.round(joins / churnS * 100) / 100,
    achievedLeavesPerSecond: Math.round(leaves / churnS * 100) / 100,
    recordsPut: records.length, recordsFound: found,
    relaysAlive: relays.every((r) => r.child.exitCode == null),
    rssSlopeMiBPerMinuteAfterWarmUp: rssSlopes.map((x) => Math.round(x * 100) / 100)
  }
  console.log(JSON.stringify(summary))
  console.log(`results in ${writeResults('churn', { date: new Date().toISOString(), machine: machine(), summary, samples })}`)
} finally {
  await workers.stop()
  await Promise.allSettled(relays.map(async (r) => r.stop()))
  await rm(root, { recursive: true, force: true })
}
