#!/usr/bin/env node
// `npm run bench:crypto`: builds the browser half of bench/crypto, then runs
// bench/crypto/run.ts inside a loopback-only network namespace, like npm test and npm run bench,
// and then rewrites docs/BENCHMARKS.md.
import { spawnSync } from 'node:child_process'
import { finishBench } from './bench-report.mjs'

const run = (command, args, options = {}) => spawnSync(command, args, { stdio: 'inherit', ...options }).status ?? 1
if (run('npx', ['vite', 'build', '--config', 'bench/crypto/vite.config.ts', '--logLevel', 'warn']) !== 0) process.exit(1)
const unshare = process.getuid?.() === 0 ? ['-n'] : ['-r', '-n']
process.exit(finishBench(run('unshare', [...unshare, 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', 'npx', 'tsx', 'bench/crypto/run.ts'], {
  env: { ...process.env, MURMUR_NETNS: '1' },
  timeout: 10 * 60_000,
  killSignal: 'SIGKILL'
})))
