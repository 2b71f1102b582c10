// The long run of the ratchet message fuzzer: random and mutated messages through
// ratchetDecrypt, checking that each is read or refused with a DecryptError and that the
// state given never changes. The unit tests run the same engine for 100,000 cases.
//
//   npx tsx scripts/fuzz-ratchet.ts [iterations] [seed]
//
// Stops after `iterations` (default 1,000,000) or 5 minutes, whichever comes first. The seed
// (default: from the clock) is printed, so a failure can be replayed.
import { runFuzz, type FuzzReport } from '../test/unit/core/ratchet/fuzz-engine.ts'

const DEFAULT_ITERATIONS = 1_000_000
const TIME_LIMIT_MS = 5 * 60 * 1000

function parseArg (value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < 1) {
    console.error(`${name} must be a positive integer, got ${value}`)
    process.exit(2)
  }
  return n
}

const iterations = parseArg(process.argv[2], 'iterations', DEFAULT_ITERATIONS)
const seed = parseArg(process.argv[3], 'seed', Date.now() % 2 ** 31 || 1)

const line = (r: FuzzReport): string =>
  `${r.iterations} cases in ${(r.ms / 1000).toFixed(1)} s (${Math.round(r.iterations / (r.ms / 1000))}/s)`

console.log(`ratchet fuzz: up to ${iterations} cases or ${TIME_LIMIT_MS / 60000} minutes, seed ${seed}`)
try {
  const report = runFuzz({ iterations, seed, timeLimitMs: TIME_LIMIT_MS, onProgress: (r) => console.log(`  ${line(r)}`) })
  console.log(`done: ${line(report)}`)
  console.log(`read: ${report.accepted}`)
  console.log('refused:', report.refused)
  console.log('mutations:', report.byMutation)
} catch (err) {
  console.error(`FAILED with seed ${seed}:`, err)
  process.exit(1)
}
