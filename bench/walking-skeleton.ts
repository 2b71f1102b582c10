// The walking-skeleton benchmark (issue 2). Run it with `npm run bench`, which builds the
// app and starts this inside a network namespace that holds only loopback.
import '../test/harness/node-shims.ts'
import { cpus, loadavg, release, totalmem, type } from 'node:os'
import { execFileSync } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { relative, resolve } from 'node:path'
import type { Browser } from 'playwright-core'
import { removeDir, startRelay, type RunningRelay } from '../test/harness/relay.ts'
import { closePersonInBrowser, launchSharedBrowser } from '../test/harness/browser.ts'
import { measureReloads, type ReloadSamples } from './measure-reload.ts'
import { connectPair, measureAddContact, type AddContactSamples } from './measure-add-contact.ts'
import { measureLatency, type LatencySamples } from './measure-latency.ts'
import { measureBundle } from './bundle-size.ts'
import { aimsOf, figure, renderFigures, type WalkingSkeletonResults } from './report.ts'

// `--quick`: a few samples of each, to try the bench out; writes no result files.
const QUICK = process.argv.includes('--quick')
const SETTINGS = {
  reloads: QUICK ? 3 : 50,
  pairs: QUICK ? 3 : 50,
  latencyRounds: QUICK ? 5 : 100,
  warmup: 5,
  sampleTimeoutMs: 60_000,
  wholeRunLimitMs: 12 * 60_000
}
const DIST = resolve(process.env.MURMUR_BENCH_DIST ?? 'dist')
// Results go to the repository even when the bench runs in an export of a commit.
const OUT = resolve(process.env.MURMUR_BENCH_OUT ?? '.')
const RESULTS_FILE = resolve(OUT, 'bench/results/walking-skeleton.json')
/** Set when the bench runs in a clean export of this commit (npm run bench -- --rev). */
const EXPORTED_COMMIT = process.env.MURMUR_BENCH_COMMIT

const started = Date.now()
let relay: RunningRelay | undefined
let browser: Browser | undefined

// Everything stops by itself: past the limit the run ends, browser and relay with it.
const watchdog = setTimeout(() => {
  console.error(`bench: still running after ${SETTINGS.wholeRunLimitMs / 60_000} minutes; giving up.`)
  relay?.child.kill('SIGKILL')
  process.exit(2)
}, SETTINGS.wholeRunLimitMs)
watchdog.unref()
process.on('exit', () => { relay?.child.kill('SIGKILL') })

function log (message: string): void {
  console.log(`bench [${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}`)
}

function git (...args: string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8' }).trim()
  } catch {
    return ''
  }
}

async function section (name: string, errors: string[], work: () => Promise<void>): Promise<void> {
  log(`${name}…`)
  try {
    await work()
  } catch (err: any) {
    const message = `${name}: ${err?.message?.split('\n')[0] ?? String(err)}`
    errors.push(message)
    console.error(`bench: ${message}`)
  }
}

async function main (): Promise<number> {
  if (!existsSync(resolve(DIST, 'index.html'))) throw new Error(`no built app in ${DIST}: run npm run bench`)
  const loadAverageAtStart = loadavg()
  const errors: string[] = []
  const figures: WalkingSkeletonResults['figures'] = {}

  relay = await startRelay({ args: ['--app', DIST, '--log', 'error'] })
  browser = await launchSharedBrowser()
  const url = relay.url
  log(`relay at ${url}, Chromium ${browser.version()}`)

  const reloads: ReloadSamples = { reserved: [], domContentLoaded: [], relayDial: [] }
  await section(`1. page load to relay reservation (${SETTINGS.reloads} reloads)`, errors, async () => {
    await measureReloads(browser!, url, SETTINGS.reloads, SETTINGS.sampleTimeoutMs, reloads)
  })
  if (reloads.reserved.length > 0) {
    figures.reloadToRelayReserved = figure(reloads.reserved)
    figures.reloadToDomContentLoaded = figure(reloads.domContentLoaded)
    figures.reloadToRelayDial = figure(reloads.relayDial)
  }

  const adds: AddContactSamples = { addToDirect: [], bobReservedBeforeClick: [], parts: [] }
  await section(`2. add contact to direct connection (${SETTINGS.pairs} fresh pairs)`, errors, async () => {
    await measureAddContact(browser!, url, SETTINGS.pairs, SETTINGS.sampleTimeoutMs, adds)
  })
  if (adds.addToDirect.length > 0) {
    figures.addContactToDirect = figure(adds.addToDirect)
    figures.addContactToPeerConnection = figure(adds.parts.map((p) => p.toPeerConnection))
    figures.addContactPeerConnectionToConnected = figure(adds.parts.map((p) => p.toConnected))
    figures.addContactConnectedToDirect = figure(adds.parts.map((p) => p.toDirect))
    figures.bobReservedBeforeClick = figure(adds.bobReservedBeforeClick)
  }

  const latency: LatencySamples = { sendToRender: [], sendParts: [], rawRtt: [], rawOneWay: [] }
  await section(`3-4. send to render and raw data channel, alternating (${SETTINGS.latencyRounds} rounds on one more pair)`, errors, async () => {
    const pair = await connectPair(browser!, url, SETTINGS.sampleTimeoutMs)
    try {
      await measureLatency(pair.ann, pair.bob, SETTINGS.latencyRounds, SETTINGS.warmup, 30_000, latency)
    } finally {
      await Promise.all([closePersonInBrowser(pair.ann), closePersonInBrowser(pair.bob)])
    }
  })
  if (latency.sendToRender.length > 0) {
    figures.sendToRender = figure(latency.sendToRender)
    figures.sendToRenderSender = figure(latency.sendParts.map((p) => p.sender))
    figures.sendToRenderWire = figure(latency.sendParts.map((p) => p.wire))
    figures.sendToRenderReceiver = figure(latency.sendParts.map((p) => p.receiver))
    figures.rawDataChannelRtt = figure(latency.rawRtt)
    figures.rawDataChannelOneWay = figure(latency.rawOneWay)
  }

  await section('5. bundle sizes', errors, async () => {
    figures.bundle = await measureBundle(DIST)
  })

  const chromium = browser.version()
  await browser.close().catch(() => {})
  await relay.stop()
  await removeDir(relay.dataDir)

  // What was measured: a clean export of a commit, or the working tree and how it differs.
  const dirty = EXPORTED_COMMIT != null ? '' : git('status', '--porcelain', '--', 'src', 'relay', 'index.html', 'vite.config.ts', 'patches', 'package.json', 'public')
  const results: WalkingSkeletonResults = {
    benchmark: 'walking-skeleton',
    date: new Date(started).toISOString(),
    durationSeconds: Math.round((Date.now() - started) / 1000),
    machine: {
      cpuModel: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30 * 10) / 10,
      loadAverageAtStart,
      loadAverageAtEnd: loadavg(),
      node: process.version,
      chromium,
      os: `${type()} ${release()}`
    },
    source: {
      measured: EXPORTED_COMMIT != null ? 'clean export of the commit' : 'working tree',
      commit: EXPORTED_COMMIT ?? git('rev-parse', 'HEAD'),
      uncommittedChanges: [...new Set(dirty.split('\n').filter((l) => l !== '').map((l) => l.slice(3).split('/')[0]!))]
    },
    settings: { ...SETTINGS, messageBytes: 100 },
    figures,
    aims: aimsOf(figures),
    errors
  }

  const rendered = renderFigures(results)
  console.log(`\n${rendered}\n`)
  if (QUICK) {
    log('quick run: nothing written')
  } else {
    await mkdir(resolve(OUT, 'bench/results'), { recursive: true })
    await writeFile(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`)
    // scripts/bench.mjs then records the run and rewrites docs/BENCHMARKS.md (bench/write-report.ts).
    log(`wrote ${relative(OUT, RESULTS_FILE)}`)
  }
  return errors.length === 0 ? 0 : 1
}

main().then((code) => {
  clearTimeout(watchdog)
  process.exit(code)
}, async (err) => {
  console.error('bench:', err)
  await browser?.close().catch(() => {})
  await relay?.stop().catch(() => {})
  process.exit(1)
})
