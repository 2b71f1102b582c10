// The last step of every `npm run bench*`: records the run the benchmark just wrote to
// bench/results/ in its history and rewrites docs/BENCHMARKS.md (bench/write-report.ts).
// It runs whatever the benchmark's status, since a benchmark that reports errors may
// still have written its results; a run already recorded changes nothing.
import { spawnSync } from 'node:child_process'

/** The benchmark's own status, or the report's when the benchmark succeeded and the report did not. */
export function finishBench (benchStatus) {
  const report = spawnSync('npx', ['tsx', 'bench/write-report.ts'], { stdio: 'inherit' }).status ?? 1
  return benchStatus !== 0 ? benchStatus : report
}
