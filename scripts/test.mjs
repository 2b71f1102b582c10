#!/usr/bin/env node
// `npm test`: every test, the way CI runs them.
// 1. Makes sure Debian's Chromium, coturn and openssl are there (installs them when
//    missing and we are root).
// 2. Type-checks everything (only on a full run) and builds the app the relay serves.
// 3. Runs vitest inside a fresh network namespace that holds only `lo`, so no test can
//    send a packet anywhere but loopback (WebRTC would otherwise try every interface).
// Extra arguments go to vitest: `npm test -- --project unit`.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const CHROMIUM = process.env.MURMUR_CHROMIUM ?? '/usr/bin/chromium'
const args = process.argv.slice(2)
const e2eOnly = args[0] === '--e2e-only'
const vitestArgs = e2eOnly ? ['--project', 'e2e', ...args.slice(1)] : args
const isRoot = process.getuid?.() === 0

function run (command, commandArgs, options = {}) {
  const result = spawnSync(command, commandArgs, { stdio: 'inherit', ...options })
  if (result.error != null) throw result.error
  return result.status ?? 1
}

function fail (message) {
  console.error(`npm test: ${message}`)
  process.exit(1)
}

function ensurePackages () {
  const missing = []
  if (!existsSync(CHROMIUM)) missing.push('chromium')
  const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0
  if (!has('ip') || !has('unshare')) missing.push('iproute2', 'util-linux')
  // The TURN end-to-end test runs Debian's coturn; the TLS tests make certificates with openssl.
  if (!has('turnserver')) missing.push('coturn')
  if (!has('openssl')) missing.push('openssl')
  if (missing.length === 0) return
  if (!isRoot) fail(`missing ${missing.join(', ')}: install them (apt-get install -y ${missing.join(' ')}) and run again.`)
  console.log(`npm test: installing ${missing.join(', ')} from Debian's packages…`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  if (run('apt-get', ['update', '-qq'], { env }) !== 0 ||
      run('apt-get', ['install', '-y', '-qq', ...missing], { env }) !== 0) {
    fail(`could not install ${missing.join(', ')}`)
  }
}

ensurePackages()

if (args.length === 0) {
  console.log('npm test: type checks (tsc, svelte-check)…')
  if (run('npm', ['run', '--silent', 'check']) !== 0) fail('type checks failed')
}

console.log('npm test: building the app…')
if (run('npx', ['vite', 'build', '--logLevel', 'warn']) !== 0) fail('the app does not build')

// Root can unshare a network namespace directly; an unprivileged user needs a user namespace too.
const unshareFlags = isRoot ? ['-n'] : ['-r', '-n']
const inner = 'ip link set lo up && exec "$@"'
const status = run('unshare', [...unshareFlags, 'sh', '-c', inner, 'sh', 'npx', 'vitest', 'run', ...vitestArgs], {
  env: { ...process.env, MURMUR_NETNS: '1', MURMUR_CHROMIUM: CHROMIUM }
})
process.exit(status)
