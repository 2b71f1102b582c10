// The scale benchmarks (bench/scale/) as docs/BENCHMARKS.md shows them: relay capacity,
// churn across three relays, and a DHT of 53 nodes.
import type { SuiteSpec, Value } from './report-figures.ts'
import { at, figuresOf, list, loadOf, num, shortCommit, stat, str } from './report-json.ts'

const P95_LIMIT_MS = 1000

export const RELAY_LOAD: SuiteSpec = {
  suite: 'relay-load',
  title: 'Relay capacity: reservations one relay holds',
  run: '`npm run bench:relay-load` (12 minutes at most; `-- --steps 500,1000,2000,3000` to choose the steps; simulated tabs in Node, 3 worker processes)',
  figures: [
    { id: 'largestUnderOneSecond', label: 'reservations held with newcomers\' p95 under 1 s (largest step)', unit: '', aim: { op: '>=', value: 2000, issue: 7 } },
    { id: 'perReservationRssKiB', label: 'relay RSS per reservation at that step', unit: 'KiB', aim: { op: '<=', value: 1024, issue: 7, text: '≤ 1 MiB' } },
    { id: 'probeP95MsAtLargest', label: 'newcomers\' reservation time at that step, p95', unit: 'ms' },
    { id: 'relayRssMiBAtLargest', label: 'relay RSS at that step', unit: 'MiB' },
    { id: 'relayRssMiBAtRest', label: 'relay RSS at rest', unit: 'MiB' },
    { id: 'failures', label: 'reservations that failed, whole run', unit: '' },
    { id: 'stopReason', label: 'why the run stopped', unit: '' }
  ],
  record: (r) => {
    const steps = list(r, 'steps')
    // The bench's own rule (bench/scale/relay-load.ts): p95 under 1 s and at most 1% failing.
    const good = steps.filter((s) => (stat(at(s, 'reservationMs'), 'p95') ?? Infinity) < P95_LIMIT_MS &&
      (num(s, 'failures') ?? 0) <= (num(s, 'target') ?? 0) * 0.01)
    const best = good.at(-1)
    return {
      date: str(r, 'date') ?? '',
      commit: shortCommit(str(r, 'machine', 'commit')),
      load: loadOf(num(steps[0], 'load1'), steps.length > 1 ? num(steps.at(-1), 'load1') : undefined),
      figures: figuresOf({
        largestUnderOneSecond: num(r, 'largestUnderOneSecond') ?? num(best, 'relay', 'reservations') ?? 0,
        perReservationRssKiB: best == null ? null : num(best, 'perReservationKiB', 'rss'),
        perReservationHeapKiB: best == null ? null : num(best, 'perReservationKiB', 'heap'),
        probeP95MsAtLargest: best == null ? null : stat(at(best, 'reservationMs'), 'p95'),
        relayRssMiBAtLargest: best == null ? null : num(best, 'relay', 'rssMiB'),
        relayRssMiBAtRest: num(r, 'relayAtRest', 'rssMiB'),
        failures: steps.reduce((sum: number, s) => sum + (num(s, 'failures') ?? 0), 0),
        stopReason: str(r, 'stopReason')
      }),
      detail: {
        steps: steps.map((s) => ({
          target: num(s, 'target'),
          held: num(s, 'relay', 'reservations'),
          fillP95Ms: stat(at(s, 'fillMs'), 'p95'),
          probeP50Ms: stat(at(s, 'reservationMs')),
          probeP95Ms: stat(at(s, 'reservationMs'), 'p95'),
          failures: num(s, 'failures'),
          relayRssMiB: num(s, 'relay', 'rssMiB'),
          perReservationRssKiB: num(s, 'perReservationKiB', 'rss'),
          perReservationHeapKiB: num(s, 'perReservationKiB', 'heap')
        }))
      }
    }
  }
}

/** Each relay's RSS slope after warm-up; the steepest one judges "flat". */
function steepest (slopes: unknown[]): number | undefined {
  const xs = slopes.filter((x): x is number => typeof x === 'number')
  return xs.length === 0 ? undefined : Math.max(...xs)
}

export const CHURN: SuiteSpec = {
  suite: 'churn',
  title: 'Churn: tabs joining and leaving three relays',
  run: '`npm run bench:churn` (10 minutes; `-- --duration 3600` for the hour-long soak, `-- --rate` and `-- --population` to change the load)',
  figures: [
    { id: 'durationS', label: 'length of the churn', unit: 's', aim: { op: '>=', value: 600, issue: 7 } },
    { id: 'relaysAlive', label: 'every relay alive at the end (no crash)', unit: '', aim: { value: true, issue: 7 } },
    { id: 'recordsFound', label: 'mailbox records put at the start, got through another relay at the end', unit: '', aim: { op: '>=', value: 1, issue: 7, text: 'all' } },
    { id: 'rssSlopeMaxMiBPerMin', label: 'relay RSS after warm-up, Theil–Sen slope, steepest relay', unit: 'MiB/min', aim: { op: '<=', value: 1, issue: 7, text: 'flat: ≤ 1 MiB/min' } },
    { id: 'joinsPerSecond', label: 'joins a second, reached of asked', unit: '' },
    { id: 'joinFailures', label: 'joins that failed', unit: '' }
  ],
  record: (r) => {
    const s = at(r, 'summary')
    const samples = list(r, 'samples')
    const duration = num(s, 'durationS')
    const joins = num(s, 'joins')
    const reached = num(s, 'achievedJoinsPerSecond') ??
      (joins != null && duration != null && duration > 0 ? Math.round((joins / duration) * 100) / 100 : undefined)
    const rate = num(s, 'rate')
    const put = num(s, 'recordsPut')
    const found = num(s, 'recordsFound')
    return {
      date: str(r, 'date') ?? '',
      commit: shortCommit(str(r, 'machine', 'commit')),
      load: loadOf(num(samples[0], 'load1'), samples.length > 1 ? num(samples.at(-1), 'load1') : undefined),
      figures: figuresOf({
        durationS: duration,
        relaysAlive: typeof at(s, 'relaysAlive') === 'boolean' ? at(s, 'relaysAlive') as boolean : undefined,
        recordsFound: put == null || found == null ? undefined : [found, put],
        rssSlopeMaxMiBPerMin: steepest(list(s, 'rssSlopeMiBPerMinuteAfterWarmUp')),
        joinsPerSecond: reached == null || rate == null ? undefined : [reached, rate],
        joinFailures: num(s, 'joinFailures'),
        population: num(s, 'population')
      }),
      detail: { rssSlopesMiBPerMin: at(s, 'rssSlopeMiBPerMinuteAfterWarmUp') }
    }
  }
}

export const DHT: SuiteSpec = {
  suite: 'dht',
  title: 'DHT: presence lookups among 53 nodes',
  run: '`npm run bench:dht` (3 relays and 50 Node peers in server mode, 200 lookups, 4 at a time)',
  figures: [
    { id: 'nodes', label: 'nodes in the DHT', unit: '', aim: { op: '>=', value: 50, issue: 7 } },
    { id: 'found', label: 'lookups that found the record', unit: '' },
    { id: 'firstRemoteCopyP50Ms', label: 'lookup to the first copy from another node, p50', unit: 'ms' },
    { id: 'firstRemoteCopyP95Ms', label: 'lookup to the first copy from another node, p95', unit: 'ms' },
    { id: 'hopsP95', label: 'hops to that copy, p95', unit: '' },
    { id: 'wholeGetP50Ms', label: 'whole kad-dht get (walks to the end), p50', unit: 'ms' },
    { id: 'putP50Ms', label: 'put, p50', unit: 'ms' }
  ],
  record: (r) => {
    const s = at(r, 'summary')
    const lookups = num(s, 'lookups')
    const found = num(s, 'found')
    const figures: Record<string, Value | undefined> = {
      nodes: num(s, 'nodes'),
      found: lookups == null || found == null ? undefined : [found, lookups],
      firstRemoteCopyP50Ms: stat(at(s, 'firstRemoteCopyMs')),
      firstRemoteCopyP95Ms: stat(at(s, 'firstRemoteCopyMs'), 'p95'),
      hopsP50: stat(at(s, 'hops')),
      hopsP95: stat(at(s, 'hops'), 'p95'),
      wholeGetP50Ms: stat(at(s, 'wholeGetMs')),
      wholeGetP95Ms: stat(at(s, 'wholeGetMs'), 'p95'),
      putP50Ms: stat(at(s, 'putMs')),
      putFailures: num(s, 'putFailures'),
      routingTableP50: stat(at(s, 'routingTableSizes'))
    }
    return {
      date: str(r, 'date') ?? '',
      commit: shortCommit(str(r, 'machine', 'commit')),
      load: loadOf(num(s, 'load1', 'atLookups'), num(s, 'load1', 'atEnd')),
      figures: figuresOf(figures)
    }
  }
}
