// npm run bench:relay-load [-- --steps 250,500,1000 --workers 3 --concurrency 20 --max-minutes 12]
// How many reservations one relay holds on this machine with p95 reservation time under
// 1 s, and what each costs in memory. Simulated tabs (bench/scale/reserve-worker.ts) run
// in a few processes of their own and ramp in steps. Each step first fills the relay up to
// the step's count (--concurrency per worker at once; timed, reported as "fill"), then
// times a probe: --probe newcomers arriving two per worker at a time, which is what a tab
// opening while the relay holds that many waits for. The probe's p95 is the criterion.
// After each step the relay's /metrics gives its reservations, connections, RSS and heap.
// Stops at the first step whose probe p95 is 1 s or more twice running (the machine is
// shared: one noisy probe gets a second one at the same step), where reservations fail,
// or at the time limit.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { killOnExit, load1, machine, mib, numberFlag, relayMetrics, round, sleep, startRelayProcess, summarize, writeResults } from './support.ts'
import { startWorkers } from './workers.ts'

const argv = process.argv.slice(2)
const stepsAt = argv.indexOf('--steps')
const STEPS = stepsAt === -1 ? [250, 500, 1000, 2000, 3000, 4000, 5000, 6000, 8000] : argv[stepsAt + 1]!.split(',').map(Number)
const WORKERS = numberFlag(argv, 'workers', 3)
const CONCURRENCY = numberFlag(argv, 'concurrency', 20)
const MAX_MS = numberFlag(argv, 'max-minutes', 12) * 60_000
const PROBE = numberFlag(argv, 'probe', 60)
const PROBE_CONCURRENCY = 2
const P95_LIMIT_MS = 1000
/** Memory is read this long after a step, once the relay has settled. */
const SETTLE_MS = 5000

interface StepResult {
  target: number
  added: number
  failures: number
  firstFailure?: string
  fillMs: ReturnType<typeof summarize>
  reservationMs: ReturnType<typeof summarize>
  /** Set when the first probe's p95 was 1 s or more and a second probe was run. */
  firstProbeMs?: ReturnType<typeof summarize>
  relay: { reservations: number, connections: number, rssMiB: number, heapUsedMiB: number }
  perReservationKiB: { rss: number, heap: number }
  load1: number
}

const root = await mkdtemp(join(tmpdir(), 'murmur-bench-load-'))
const cap = String(Math.max(...STEPS) * 2)
const relay = await startRelayProcess(['--data', join(root, 'relay'), '--app', root,
  '--max-reservations', cap, '--max-reservations-per-ip', cap, '--max-connections', cap, '--max-connections-per-ip', cap,
  // Every simulated tab is 127.0.0.1: the per-IP connection rate must not be what is measured.
  '--connections-per-ip-per-second', '100000', '--log', 'error'])
killOnExit(relay.child)
const workers = startWorkers(WORKERS)
const began = Date.now()
const steps: StepResult[] = []
let stopReason = 'every step done'

try {
  await sleep(SETTLE_MS)
  const base = await relayMetrics(relay.url)
  console.log(`relay at rest: RSS ${mib(base.process_resident_memory_bytes!)} MiB, heap ${mib(base.nodejs_heap_used_bytes!)} MiB; load ${load1()}`)
  let held = 0
  for (const target of STEPS) {
    if (Date.now() - began > MAX_MS) { stopReason = 'time limit'; break }
    const toAdd = Math.max(0, target - held - PROBE)
    const split = (n: number, i: number): number => Math.floor(n / WORKERS) + (i < n % WORKERS ? 1 : 0)
    const loadAtStart = load1()
    const addAll = async (n: number, concurrency: number): Promise<{ times: number[], failures: string[] }> => {
      const replies = await Promise.all(Array.from({ length: WORKERS }, async (_, i) =>
        workers.ask(i, { type: 'add', count: split(n, i), relayAddrs: [relay.relayAddr], concurrency })))
      return {
        times: replies.flatMap((r) => r.type === 'added' ? r.times : []),
        failures: replies.flatMap((r) => r.type === 'added' ? r.failures : [])
      }
    }
    const fill = await addAll(toAdd, CONCURRENCY)
    await sleep(SETTLE_MS)
    let probe = await addAll(PROBE, PROBE_CONCURRENCY)
    let firstProbe: typeof probe | undefined
    if (probe.times.length > 0 && summarize(probe.times).p95 >= P95_LIMIT_MS) {
      console.log(`${target}: first probe p95 ${round(summarize(probe.times).p95)} ms (load ${load1()}); probing again`)
      firstProbe = probe
      await sleep(SETTLE_MS)
      probe = await addAll(PROBE, PROBE_CONCURRENCY)
    }
    const times = probe.times
    const failures = [...fill.failures, ...(firstProbe?.failures ?? []), ...probe.failures]
    const probed = (firstProbe?.times.length ?? 0) + probe.times.length
    held += fill.times.length + probed
    await sleep(SETTLE_MS)
    const m = await relayMetrics(relay.url)
    const reservations = m.murmur_relay_reservations!
    const step: StepResult = {
      target,
      added: fill.times.length + probed,
      fillMs: summarize(fill.times),
      firstProbeMs: firstProbe == null ? undefined : summarize(firstProbe.times),
      failures: failures.length,
      firstFailure: failures[0],
      reservationMs: summarize(times),
      relay: {
        reservations,
        connections: m.murmur_relay_connections!,
        rssMiB: mib(m.process_resident_memory_bytes!),
        heapUsedMiB: mib(m.nodejs_heap_used_bytes!)
      },
      perReservationKiB: {
        rss: Math.round((m.process_resident_memory_bytes! - base.process_resident_memory_bytes!) / reservations / 1024),
        heap: Math.round((m.nodejs_heap_used_bytes! - base.nodejs_heap_used_bytes!) / reservations / 1024)
      },
      load1: Math.max(loadAtStart, load1())
    }
    steps.push(step)
    console.log(`${target} held ${reservations}: fill p95 ${round(step.fillMs.p95)} ms; probe p50 ${round(step.reservationMs.p50)} ms, p95 ${round(step.reservationMs.p95)} ms, ` +
      `failures ${failures.length}${failures[0] != null ? ` (${failures[0]})` : ''}; relay RSS ${step.relay.rssMiB} MiB, heap ${step.relay.heapUsedMiB} MiB; ` +
      `per reservation ${step.perReservationKiB.rss} KiB RSS, ${step.perReservationKiB.heap} KiB heap; load ${step.load1}`)
    if (failures.length > (toAdd + probed) * 0.01) { stopReason = `reservations failed at ${target}`; break }
    if (step.reservationMs.p95 >= P95_LIMIT_MS) { stopReason = `p95 reached 1 s at ${target}`; break }
  }
  const good = steps.filter((s) => s.reservationMs.p95 < P95_LIMIT_MS && s.failures <= (s.target * 0.01))
  const best = good.at(-1)
  console.log(`stopped: ${stopReason}. Largest step with p95 < 1 s: ${best?.relay.reservations ?? 'none'} reservations.`)
  const file = writeResults('relay-load', {
    date: new Date().toISOString(), machine: machine(), workers: WORKERS, concurrencyPerWorker: CONCURRENCY,
    relayAtRest: { rssMiB: mib(base.process_resident_memory_bytes!), heapUsedMiB: mib(base.nodejs_heap_used_bytes!) },
    steps, stopReason, largestUnderOneSecond: best?.relay.reservations ?? 0
  })
  console.log(`results in ${file}`)
} finally {
  await workers.stop()
  await relay.stop()
  await rm(root, { recursive: true, force: true })
}
