#!/usr/bin/env node
// `npm run bench`: the walking-skeleton benchmark (bench/walking-skeleton.ts).
// 1. Builds the app with Vite into a directory of its own, so that a concurrent `npm test`
//    or `npm run build` cannot swap dist/ under the running bench.
// 2. Runs the bench inside a fresh network namespace that holds only `lo`, as `npm test`
//    runs the end-to-end tests: relay, browsers and every packet stay on loopback.
// 3. Records the run in bench/results/history/ and rewrites docs/BENCHMARKS.md (scripts/bench-report.mjs).
//
// `npm run bench` measures the working tree, uncommitted edits included (the results name
// the files that differ from HEAD). `npm run bench -- --rev HEAD` measures a commit
// instead: a clean `git archive` of it, with this bench/ and test/harness/ copied in and
// node_modules linked; results and docs are still written here. `--quick` takes a few
// samples and writes nothing.
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { finishBench } from './bench-report.mjs'

const CHROMIUM = process.env.MURMUR_CHROMIUM ?? '/usr/bin/chromium'
// The bench stops itself after 12 minutes; this is the backstop if it cannot.
const HARD_LIMIT_MS = 15 * 60_000
const repo = resolve('.')

function fail (message) {
  console.error(`npm run bench: ${message}`)
  process.exit(1)
}

function run (command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options })
  if (result.error != null) throw result.error
  if (result.signal != null) console.error(`npm run bench: ${command} ended by ${result.signal}`)
  return result.status ?? 1
}

const args = process.argv.slice(2)
const revAt = args.indexOf('--rev')
const rev = revAt === -1 ? undefined : args[revAt + 1]
if (revAt !== -1 && (rev == null || rev.startsWith('--'))) fail('--rev needs a commit, e.g. --rev HEAD')
let benchArgs = revAt === -1 ? args : args.filter((_, i) => i !== revAt && i !== revAt + 1)
// `--suite mailbox` runs bench/mailbox.ts (npm run bench:mailbox); the default is the walking skeleton.
const suiteAt = benchArgs.indexOf('--suite')
const suite = suiteAt === -1 ? 'walking-skeleton' : benchArgs[suiteAt + 1]
if (suite == null || !/^[a-z-]+$/.test(suite) || !existsSync(join(repo, 'bench', `${suite}.ts`))) fail(`no bench suite "${suite}" in bench/`)
if (suiteAt !== -1) benchArgs = benchArgs.filter((_, i) => i !== suiteAt && i !== suiteAt + 1)

if (!existsSync(CHROMIUM)) fail(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or run npm test once as root).`)
if (spawnSync('sh', ['-c', 'command -v ip && command -v unshare'], { stdio: 'ignore' }).status !== 0) {
  fail('needs ip and unshare: apt-get install -y iproute2 util-linux')
}

const work = mkdtempSync(join(tmpdir(), 'murmur-bench-'))
const distDir = join(work, 'dist')
let status = 1
try {
  let cwd = repo
  let commit
  if (rev != null) {
    const parsed = spawnSync('git', ['rev-parse', '--verify', `${rev}^{commit}`], { encoding: 'utf8' })
    if (parsed.status !== 0) fail(`${rev} is not a commit`)
    commit = parsed.stdout.trim()
    cwd = join(work, 'source')
    console.log(`npm run bench: exporting ${commit.slice(0, 12)}…`)
    if (run('sh', ['-c', `mkdir -p "${cwd}" && git archive ${commit} | tar -x -C "${cwd}"`]) !== 0) fail('git archive failed')
    symlinkSync(join(repo, 'node_modules'), join(cwd, 'node_modules'))
    // The bench and the harness it drives the app with (test/harness) are the instrument:
    // both come from here, so two commits are measured the same way.
    cpSync(join(repo, 'bench'), join(cwd, 'bench'), { recursive: true })
    cpSync(join(repo, 'test', 'harness'), join(cwd, 'test', 'harness'), { recursive: true })
  }

  console.log('npm run bench: building the app…')
  if (run('npx', ['vite', 'build', '--logLevel', 'warn', '--outDir', distDir, '--emptyOutDir'], { cwd }) !== 0) fail('the app does not build')

  const isRoot = process.getuid?.() === 0
  const unshareFlags = isRoot ? ['-n'] : ['-r', '-n']
  const inner = 'ip link set lo up && exec "$@"'
  status = run('unshare', [...unshareFlags, 'sh', '-c', inner, 'sh', 'npx', 'tsx', `bench/${suite}.ts`, ...benchArgs], {
    cwd,
    env: {
      ...process.env,
      MURMUR_NETNS: '1',
      MURMUR_CHROMIUM: CHROMIUM,
      MURMUR_BENCH_DIST: distDir,
      MURMUR_BENCH_OUT: repo,
      ...(commit == null ? {} : { MURMUR_BENCH_COMMIT: commit })
    },
    timeout: HARD_LIMIT_MS,
    killSignal: 'SIGKILL'
  })
} finally {
  rmSync(work, { recursive: true, force: true })
}
// A --quick run writes no results, so there is nothing to report.
process.exit(benchArgs.includes('--quick') ? status : finishBench(status))
