// `npm run bench:pwa`: cold start to interactive, from the service worker's cache.
// Runs inside the loopback-only namespace (scripts/bench-pwa.mjs). Prints a table and
// writes every sample to bench/results/pwa-cold-start.json; nothing is asserted.
import '../test/harness/node-shims.ts'
import { cpus, loadavg } from 'node:os'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { launchProfile } from '../test/harness/chromium.ts'
import { startRelay } from '../test/harness/relay.ts'
import { createProfile } from '../test/harness/person.ts'
import { waitForController } from '../test/harness/service-worker.ts'
import { percentile } from './stats.ts'

const SAMPLES = Number(process.env.MURMUR_BENCH_SAMPLES ?? 15)
// Measured to the first screen, before any WebRTC link; the figures so far were taken
// without the loopback flag and with no permission granted: kept so, to stay comparable.
const LAUNCH = { loopbackWebRtc: false }

/** When the profile (the "Your ID" line) first appears: the app is usable from there. */
function markInteractive (): void {
  const observer = new MutationObserver(() => {
    if (document.querySelector('[aria-label="Your ID"]') == null) return
    performance.mark('bench:interactive')
    observer.disconnect()
  })
  observer.observe(document, { childList: true, subtree: true })
}

type Mode = 'service worker, online' | 'service worker, offline' | 'network (service worker bypassed), HTTP cache warm'

interface Sample { interactiveMs: number, fromServiceWorker: boolean }

/** A fresh browser process on the same profile directory: the cold start a person gets. */
async function coldStart (dir: string, url: string, mode: Mode): Promise<Sample> {
  const context = await launchProfile(dir, LAUNCH)
  try {
    await context.addInitScript(markInteractive)
    const page = context.pages()[0] ?? await context.newPage()
    const cdp = await context.newCDPSession(page)
    if (mode.startsWith('network')) {
      await cdp.send('Network.enable')
      await cdp.send('Network.setBypassServiceWorker', { bypass: true })
    }
    if (mode.endsWith('offline')) await context.setOffline(true)
    await page.goto(url)
    const handle = await page.waitForFunction(() => performance.getEntriesByName('bench:interactive')[0]?.startTime, undefined, { timeout: 60_000, polling: 10 })
    const interactiveMs = await handle.jsonValue() as number
    // Whether a service worker answered the navigation: the page is controlled, and the
    // document came over no network (transferSize 0; a revalidation from the network has headers).
    const fromServiceWorker = await page.evaluate(() =>
      navigator.serviceWorker.controller != null && (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).transferSize === 0)
    return { interactiveMs, fromServiceWorker }
  } finally {
    await context.close()
  }
}

const relay = await startRelay()
const dir = await mkdtemp(join(tmpdir(), 'murmur-bench-pwa-'))
const results: Record<string, Sample[]> = {}
try {
  // First visit: make a profile and let the service worker install and take the page.
  const first = await launchProfile(dir, LAUNCH)
  const page = first.pages()[0] ?? await first.newPage()
  await page.goto(relay.url)
  await createProfile(page, 'Cold')
  await waitForController(page)
  await first.close()

  const modes: Mode[] = ['service worker, online', 'service worker, offline', 'network (service worker bypassed), HTTP cache warm']
  for (const mode of modes) results[mode] = []
  // Interleaved, so a noisy minute on the shared machine touches every mode alike.
  for (let i = 0; i < SAMPLES; i++) {
    for (const mode of modes) results[mode]!.push(await coldStart(dir, relay.url, mode))
  }
} finally {
  await relay.stop()
  await rm(dir, { recursive: true, force: true })
}

const rows = Object.entries(results).map(([mode, samples]) => {
  const ms = samples.map((s) => s.interactiveMs).sort((a, b) => a - b)
  return `| ${mode} | ${percentile(ms, 50).toFixed(0)} | ${percentile(ms, 90).toFixed(0)} | ${samples.filter((s) => s.fromServiceWorker).length}/${samples.length} |`
})
console.log([
  `Cold start to interactive (fresh Chromium process, profile made), ms since navigation start; n = ${SAMPLES} each, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores`,
  '',
  '| mode | p50 | p90 | page served by the service worker |',
  '| --- | --- | --- | --- |',
  ...rows
].join('\n'))
await mkdir('bench/results', { recursive: true })
await writeFile('bench/results/pwa-cold-start.json', JSON.stringify({ date: new Date().toISOString(), loadavg: loadavg(), results }, null, 2) + '\n')
