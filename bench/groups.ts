// The group benchmark (issue 5). Run it with `npm run bench:groups`, which builds the app and
// starts this inside a network namespace that holds only loopback.
//
// For a group of N tabs (each a person in its own context of one shared Chromium): Ann
// knows everyone and makes the group; every member opens it. Then two phases:
//   quiet: members take turns, one message at a time, each shown everywhere before the next;
//   burst: every member sends M messages at once, nobody waiting.
// Measured: send-to-render latency for every (message, other member) pair, from the app's
// own event at send ('group:sent') to the message's item appearing in the receiver's
// "Messages" log (a MutationObserver in the page); both on the epoch clock
// (performance.timeOrigin + performance.now()), which every process of one machine shares.
// And duplicate deliveries: copies of a message a member already had, from gossip and sync
// overlapping ('group:duplicates' events), per message per member.
import '../test/harness/node-shims.ts'
import { loadavg } from 'node:os'
import { mkdir, writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Page } from 'playwright-core'
import { startRelay } from '../test/harness/relay.ts'
import { launchSharedBrowser } from '../test/harness/browser.ts'
import { addContact, createGroup, createProfile, inviteLink, openGroup, sendMessage, waitForContact, waitUntil } from '../test/harness/person.ts'
import { openBenchPage } from './pages.ts'
import { pageEvents } from '../test/harness/events.ts'
import { round, summarize } from './stats.ts'

const QUICK = process.argv.includes('--quick')
// `-- --sizes 5,10` chooses the group sizes.
const sizesAt = process.argv.indexOf('--sizes')
const SIZES = sizesAt !== -1 ? process.argv[sizesAt + 1]!.split(',').map(Number) : QUICK ? [3] : [5, 10]
const QUIET_ROUNDS = QUICK ? 1 : 3
const BURST = QUICK ? 3 : 10
const DIST = resolve(process.env.MURMUR_BENCH_DIST ?? 'dist')
const OUT = resolve(process.env.MURMUR_BENCH_OUT ?? '.')

const started = Date.now()
const log = (m: string): void => { console.log(`bench:groups [${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${m}`) }

/** Installed in every page once its group is open: when each message item first appeared. */
function watchLog (): void {
  const seen: Record<string, number> = {}
  ;(window as any).__groupSeen = seen
  const list = document.querySelector('ol[aria-label="Messages"]')!
  const note = (): void => {
    const now = performance.timeOrigin + performance.now()
    for (const li of list.querySelectorAll('li[data-id]')) {
      const id = (li as HTMLElement).dataset.id!
      if (seen[id] == null && li.querySelector('.waiting') == null) seen[id] = now
    }
  }
  note()
  new MutationObserver(note).observe(list, { childList: true, subtree: true, characterData: true })
}

async function seen (page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => (window as any).__groupSeen ?? {})
}

async function sentMarks (page: Page): Promise<Array<{ id: string, at: number }>> {
  return (await pageEvents(page, 'group:sent')).map((e) => e.detail)
}

async function duplicates (page: Page): Promise<number> {
  return (await pageEvents(page, 'group:duplicates')).reduce((n, e) => n + e.detail.count, 0)
}

async function itemCount (page: Page): Promise<number> {
  return page.getByRole('log', { name: 'Messages' }).locator('li[data-id]:not(:has(.waiting))').count()
}

async function allShow (pages: Page[], count: number, what: string): Promise<void> {
  await waitUntil(async () => (await Promise.all(pages.map(itemCount))).every((n) => n >= count), what, 300_000)
}

/** Latency of every (message sent since `from`, other member) pair. */
async function latencies (pages: Page[], ids: Set<string>): Promise<number[]> {
  const sent = new Map<string, { at: number, page: number }>()
  for (const [i, page] of pages.entries()) for (const m of await sentMarks(page)) if (ids.has(m.id)) sent.set(m.id, { at: m.at, page: i })
  const out: number[] = []
  for (const [i, page] of pages.entries()) {
    const shown = await seen(page)
    for (const [id, s] of sent) if (s.page !== i && shown[id] != null) out.push(shown[id] - s.at)
  }
  return out
}

async function allSentIds (pages: Page[]): Promise<Set<string>> {
  const ids = new Set<string>()
  for (const page of pages) for (const m of await sentMarks(page)) ids.add(m.id)
  return ids
}

async function measure (size: number): Promise<Record<string, unknown>> {
  const relay = await startRelay({ args: ['--app', DIST, '--log', 'error'] })
  const browser = await launchSharedBrowser()
  try {
    const pages: Page[] = []
    for (let i = 0; i < size; i++) {
      const page = await openBenchPage(browser, relay.url)
      await createProfile(page, `Member ${i + 1}`)
      pages.push(page)
    }
    const [ann, ...rest] = pages
    for (const [i, page] of rest.entries()) {
      await addContact(ann!, await inviteLink(page))
      await waitForContact(ann!, `Member ${i + 2}`)
    }
    await createGroup(ann!, 'Bench', rest.map((_, i) => `Member ${i + 2}`))
    for (const [i, page] of pages.entries()) {
      await openGroup(page, 'Bench', 180_000).catch((err: Error) => { throw new Error(`member ${i + 1} never saw the group: ${err.message}`) })
    }
    log(`${size} members: everyone sees the group`)
    // Warm-up: every member's key reaches every other member, links and meshes form.
    for (const [i, page] of pages.entries()) await sendMessage(page, `hello from ${i + 1}`)
    await allShow(pages, size, 'warm-up messages everywhere')
    for (const page of pages) await page.evaluate(watchLog)
    const warm = await allSentIds(pages)
    const dupBefore = await Promise.all(pages.map(duplicates))
    log(`${size} members: group formed`)

    let shown = size
    for (let r = 0; r < QUIET_ROUNDS; r++) {
      for (const [i, page] of pages.entries()) {
        await sendMessage(page, `quiet ${r} from ${i + 1}`)
        shown++
        await allShow(pages, shown, `quiet message ${shown}`)
      }
    }
    const quietIds = new Set([...await allSentIds(pages)].filter((id) => !warm.has(id)))
    const quiet = await latencies(pages, quietIds)
    log(`${size} members: quiet phase done`)

    await Promise.all(pages.map(async (page, i) => { for (let k = 0; k < BURST; k++) await sendMessage(page, `burst ${k} from ${i + 1}`) }))
    shown += size * BURST
    await allShow(pages, shown, 'every burst message everywhere')
    const burstIds = new Set([...await allSentIds(pages)].filter((id) => !warm.has(id) && !quietIds.has(id)))
    const burst = await latencies(pages, burstIds)
    const dupAfter = await Promise.all(pages.map(duplicates))
    const copies = dupAfter.reduce((n, d, i) => n + d - dupBefore[i]!, 0)
    const deliveries = (quietIds.size + burstIds.size) * (size - 1)
    log(`${size} members: burst done`)
    const fmt = (s: ReturnType<typeof summarize>) => ({ ...s, min: round(s.min), p50: round(s.p50), p95: round(s.p95), max: round(s.max), mean: round(s.mean) })
    return {
      members: size,
      quietSendToRenderMs: fmt(summarize(quiet)),
      burstSendToRenderMs: fmt(summarize(burst)),
      burstMessages: burstIds.size,
      duplicateCopiesPerMessagePerMember: Math.round((copies / deliveries) * 1000) / 1000
    }
  } finally {
    await browser.close().catch(() => {})
    await relay.stop()
  }
}

async function main (): Promise<void> {
  const loadAtStart = loadavg()
  const groups: Array<Record<string, unknown>> = []
  for (const size of SIZES) {
    // A size that does not form on this machine is reported as such; the others still count.
    groups.push(await measure(size).catch((err: Error) => ({ members: size, failed: err.message })))
  }
  const results = {
    benchmark: 'groups',
    date: new Date(started).toISOString(),
    commit: process.env.MURMUR_BENCH_COMMIT,
    loadAverageAtStart: loadAtStart,
    loadAverageAtEnd: loadavg(),
    settings: { sizes: SIZES, quietRounds: QUIET_ROUNDS, burstPerMember: BURST },
    groups
  }
  console.log(JSON.stringify(results, null, 2))
  if (!QUICK) {
    await mkdir(resolve(OUT, 'bench/results'), { recursive: true })
    await writeFile(resolve(OUT, 'bench/results/groups.json'), `${JSON.stringify(results, null, 2)}\n`)
    log('wrote bench/results/groups.json')
  }
}

const watchdog = setTimeout(() => { console.error('bench:groups: over 14 minutes, giving up'); process.exit(2) }, 14 * 60_000)
main().then(() => { clearTimeout(watchdog); process.exit(0) }, (err) => { console.error('bench:groups:', err); process.exit(1) })
