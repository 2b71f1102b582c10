#!/usr/bin/env node
// `npm start -- [relay options]`: builds the app when dist/ is missing or older than its
// sources, then runs the relay, which serves it. Every argument goes to the relay
// (`npm start -- --help` lists them). A failed build does not stop the relay: it then
// answers with a page that says to run `npm run build`.
import { spawn, spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tsImport } from 'tsx/esm/api'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const APP_SOURCES = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json', 'patches']

/** Newest modification time under `path` (0 when it does not exist). */
function newestMtime (path) {
  let stats
  try {
    stats = statSync(path)
  } catch {
    return 0
  }
  if (!stats.isDirectory()) return stats.mtimeMs
  let newest = stats.mtimeMs
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)))
  return newest
}

/**
 * Reads the arguments with the relay's own parser first, so a typo fails at once instead
 * of after a build. Returns the app directory the relay will serve, or undefined for --help.
 */
async function appDirOf () {
  const { parseCommand } = await tsImport('../relay/config.ts', import.meta.url)
  try {
    const command = parseCommand(args, process.env)
    return command.kind === 'run' ? command.config.appDir : undefined
  } catch (err) {
    if (err?.name !== 'ConfigError') throw err
    console.error(`murmur relay: ${err.message}`)
    process.exit(2)
  }
}

function buildIfStale () {
  const built = newestMtime(join(root, 'dist', 'index.html'))
  const sources = Math.max(...APP_SOURCES.map((p) => newestMtime(join(root, p))))
  if (built > sources) return
  console.error('murmur: building the app (npx vite build)…')
  const result = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) {
    console.error('murmur: the app did not build (see above). Starting the relay anyway; fix the build and run `npm run build`.')
  }
}

// Only the default app directory is ours to build; another --app means "serve that".
if (await appDirOf() === join(root, 'dist')) buildIfStale()

// Its own process group, so signals reach the relay through us only (the relay also
// ignores a repeat that comes within a second, as wrappers such as npm may send one).
const relay = spawn(process.execPath, [
  '--import', join(root, 'relay', 'preload.mjs'), join(root, 'relay', 'main.ts'), ...args
], {
  stdio: ['ignore', 'inherit', 'inherit'],
  detached: true
})

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => { if (relay.exitCode == null) relay.kill(signal === 'SIGHUP' ? 'SIGTERM' : signal) })
}
process.on('exit', () => { if (relay.exitCode == null && relay.signalCode == null) relay.kill('SIGTERM') })

relay.on('exit', (code, signal) => {
  process.exit(code ?? (signal != null ? 1 : 0))
})
relay.on('error', (err) => {
  console.error(`murmur: could not start the relay: ${err.message}`)
  process.exit(1)
})
