#!/usr/bin/env node
// `npm run bench:relay-load`, `npm run bench:churn`, `npm run bench:dht`: runs
// bench/scale/<name>.ts inside a fresh network namespace that holds only `lo`, as npm test
// does, so every packet stays on loopback. Extra arguments go to the benchmark
// (e.g. `npm run bench:churn -- --duration 120`). Each benchmark stops itself; the hard
// limit here is the backstop. Then docs/BENCHMARKS.md is rewritten from the results.
import { spawnSync } from 'node:child_process'
import { finishBench } from './bench-report.mjs'

// churn: up to an hour's soak (`-- --duration 3600`) plus the joins and the final reads.
const LIMITS_MIN = { 'relay-load': 20, churn: 75, dht: 10 }
const [name, ...args] = process.argv.slice(2)
if (!(name in LIMITS_MIN)) {
  console.error(`bench-scale: name one of ${Object.keys(LIMITS_MIN).join(', ')}`)
  process.exit(2)
}
const unshare = process.getuid?.() === 0 ? ['-n'] : ['-r', '-n']
const result = spawnSync('unshare', [...unshare, 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh',
  process.execPath, '--import', './relay/preload.mjs', `bench/scale/${name}.ts`, ...args], {
  stdio: 'inherit',
  env: { ...process.env, MURMUR_NETNS: '1' },
  timeout: LIMITS_MIN[name] * 60_000,
  killSignal: 'SIGKILL'
})
if (result.signal != null) console.error(`bench-scale: ${name} ended by ${result.signal}`)
process.exit(finishBench(result.status ?? 1))
