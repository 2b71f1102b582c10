#!/usr/bin/env node
// `npm run bench:pwa`: builds the app, then runs bench/pwa-cold-start.ts inside a
// loopback-only network namespace, like npm test and the other benches.
import { spawnSync } from 'node:child_process'

const run = (command, args, options = {}) => spawnSync(command, args, { stdio: 'inherit', ...options }).status ?? 1
if (run('npx', ['vite', 'build', '--logLevel', 'warn']) !== 0) process.exit(1)
const unshare = process.getuid?.() === 0 ? ['-n'] : ['-r', '-n']
process.exit(run('unshare', [...unshare, 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', 'npx', 'tsx', 'bench/pwa-cold-start.ts'], {
  env: { ...process.env, MURMUR_NETNS: '1' },
  timeout: 10 * 60_000,
  killSignal: 'SIGKILL'
}))
