#!/usr/bin/env node
// `npm run bench:pwa`: builds the app, then runs the PWA benchmarks inside a loopback-only
// network namespace, like npm test and the other benches: bench/pwa-cold-start.ts (cold
// start to interactive) and bench/pwa-push-drain.ts (push received to mailbox drained).
// `npm run bench:pwa -- push` or `-- cold-start` runs one of them. Then docs/BENCHMARKS.md is rewritten.
import { spawnSync } from 'node:child_process'
import { finishBench } from './bench-report.mjs'

const BENCHES = { 'cold-start': 'bench/pwa-cold-start.ts', push: 'bench/pwa-push-drain.ts' }
const chosen = process.argv.slice(2)
for (const name of chosen) {
  if (!Object.hasOwn(BENCHES, name)) {
    console.error(`Unknown PWA benchmark "${name}"; choose from: ${Object.keys(BENCHES).join(', ')}.`)
    process.exit(2)
  }
}
const run = (command, args, options = {}) => spawnSync(command, args, { stdio: 'inherit', ...options }).status ?? 1
if (run('npx', ['vite', 'build', '--logLevel', 'warn']) !== 0) process.exit(1)
const unshare = process.getuid?.() === 0 ? ['-n'] : ['-r', '-n']
for (const name of chosen.length > 0 ? chosen : Object.keys(BENCHES)) {
  const status = run('unshare', [...unshare, 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', 'npx', 'tsx', BENCHES[name]], {
    env: { ...process.env, MURMUR_NETNS: '1' },
    timeout: 10 * 60_000,
    killSignal: 'SIGKILL'
  })
  if (status !== 0) process.exit(finishBench(status))
}
process.exit(finishBench(0))
