#!/usr/bin/env node
// `npm run screenshots`: builds the app, then walks every main screen (desktop and phone,
// English and Chinese) in real Chromium and writes PNGs to screenshots/ (git ignores it).
// Like `npm test`, the relay and the browsers run in a fresh network namespace that holds
// only `lo`: nothing leaves loopback.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const CHROMIUM = process.env.MURMUR_CHROMIUM ?? '/usr/bin/chromium'

function run (command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options })
  if (result.error != null) throw result.error
  return result.status ?? 1
}

if (!existsSync(CHROMIUM)) {
  console.error(`npm run screenshots: no Chromium at ${CHROMIUM}: apt-get install -y chromium (Chinese text also wants a CJK font, e.g. fonts-wqy-microhei).`)
  process.exit(1)
}
console.log('npm run screenshots: building the app…')
if (run('npx', ['vite', 'build', '--logLevel', 'warn']) !== 0) process.exit(1)

const isRoot = process.getuid?.() === 0
const unshareFlags = isRoot ? ['-n'] : ['-r', '-n']
const inner = 'ip link set lo up && exec "$@"'
process.exit(run('unshare', [...unshareFlags, 'sh', '-c', inner, 'sh', 'npx', 'tsx', 'scripts/screenshots.ts', ...process.argv.slice(2)], {
  env: { ...process.env, MURMUR_NETNS: '1', MURMUR_CHROMIUM: CHROMIUM },
  timeout: 15 * 60_000,
  killSignal: 'SIGKILL'
}))
