// The offline-delivery benchmark (issue 4). Run it with `npm run bench:mailbox`, which builds
// the app and starts this inside a network namespace that holds only loopback.
//
// Each round: Bob makes a profile and closes his browser; Ann adds him from his invite and
// sends N messages (each goes to his mailbox: "stored" by the DHT's closest nodes); Ann
// closes; Bob's browser opens again. Measured: every mailbox write (time and holders, from
// the app's own diagnostics events), the bytes a holder keeps per message, and the time from
// Bob's page starting to load to all N messages shown in his conversation.
import '../test/harness/node-shims.ts'
import { loadavg } from 'node:os'
import { mkdir, writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import type { MurmurEventMap } from '../src/diagnostics/events.ts'
import { startRelay, type RunningRelay } from '../test/harness/relay.ts'
import { launchSharedBrowser, openPersonBrowser } from '../test/harness/browser.ts'
import { addContact, createProfile, inviteLink, openConversation, sendMessage, waitUntil } from '../test/harness/person.ts'
import { openBenchPage } from './pages.ts'
import { pageEvents } from '../test/harness/events.ts'
import { summarize } from './stats.ts'

const QUICK = process.argv.includes('--quick')
const ROUNDS = QUICK ? 1 : 3
const MESSAGES = QUICK ? 20 : 100
const BYSTANDERS = 3
const DIST = resolve(process.env.MURMUR_BENCH_DIST ?? 'dist')
const OUT = resolve(process.env.MURMUR_BENCH_OUT ?? '.')

type PutMark = MurmurEventMap['mailbox:put']
type SlotMark = MurmurEventMap['mailbox:slot']
/** Where Bob's time went, per round: page start to the drain that found the messages, and inside that drain. */
interface DrainBreakdown { drainStartMs: number, drainMs: number, waitedMs: number, receiveMs: number, slots: number }

const started = Date.now()
const log = (m: string): void => { console.log(`bench:mailbox [${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${m}`) }

async function outgoingStored (page: Page): Promise<number> {
  return page.getByRole('log', { name: 'Messages' }).locator('li.out').getByRole('img', { name: 'stored' }).count()
}

async function round (browser: Browser, relay: RunningRelay, puts: PutMark[], toShown: number[], toDrained: number[], breakdown: DrainBreakdown[]): Promise<void> {
  const bob = await openPersonBrowser(relay.url)
  await createProfile(bob.page, 'Bob')
  const link = await inviteLink(bob.page)
  await bob.close()

  const ann = await openBenchPage(browser, relay.url)
  await createProfile(ann, 'Ann')
  await addContact(ann, link)
  await openConversation(ann, 'Bob')
  for (let i = 0; i < MESSAGES; i++) await sendMessage(ann, `queued message ${i + 1} of ${MESSAGES}, about a hundred bytes long once it has this padding.`)
  await waitUntil(async () => await outgoingStored(ann) === MESSAGES, `${MESSAGES} stored`, 300_000)
  puts.push(...(await pageEvents(ann, 'mailbox:put')).map((e) => e.detail))
  await ann.context().close()

  // Bob returns: from the start of his page load to the last message on screen.
  const back = await openPersonBrowser(relay.url, bob.dir)
  try {
    await openConversation(back.page, 'Ann')
    const log = back.page.getByRole('log', { name: 'Messages' }).locator('li.in')
    await waitUntil(async () => await log.count() >= MESSAGES, `${MESSAGES} at Bob`, 300_000)
    toShown.push(await back.page.evaluate(() => performance.now()))
    const drains = (await pageEvents(back.page, 'mailbox:drained')).map((e) => ({ end: e.at, ...e.detail }))
    const first = drains.find((d) => d.received > 0)
    if (first != null) {
      toDrained.push(first.ms)
      const start = first.end - first.ms
      const slots: SlotMark[] = (await pageEvents(back.page, 'mailbox:slot'))
        .filter((e) => e.at >= start && e.at <= first.end).map((e) => e.detail)
      breakdown.push({
        drainStartMs: Math.round(start),
        drainMs: Math.round(first.ms),
        waitedMs: Math.round(slots.reduce((n, m) => n + m.waitedMs, 0)),
        receiveMs: Math.round(slots.reduce((n, m) => n + m.receiveMs, 0)),
        slots: slots.length
      })
    }
  } finally {
    await back.dispose()
    await bob.dispose()
  }
}

async function main (): Promise<void> {
  const loadAtStart = loadavg()
  const relay = await startRelay({ args: ['--app', DIST, '--log', 'error'] })
  const browser = await launchSharedBrowser()
  const puts: PutMark[] = []
  const toShown: number[] = []
  const toDrained: number[] = []
  const breakdown: DrainBreakdown[] = []
  try {
    // Online bystanders: DHT nodes that hold records, as other people's tabs do.
    for (let i = 0; i < BYSTANDERS; i++) await createProfile(await openBenchPage(browser, relay.url), `Bystander ${i + 1}`)
    for (let r = 0; r < ROUNDS; r++) {
      log(`round ${r + 1} of ${ROUNDS}: ${MESSAGES} messages`)
      await round(browser, relay, puts, toShown, toDrained, breakdown)
    }
  } finally {
    await browser.close().catch(() => {})
    await relay.stop()
  }
  const written = puts.filter((p) => p.holders > 0 && p.entries > 0)
  const results = {
    benchmark: 'mailbox',
    date: new Date(started).toISOString(),
    loadAverageAtStart: loadAtStart,
    loadAverageAtEnd: loadavg(),
    settings: { rounds: ROUNDS, messages: MESSAGES, bystanders: BYSTANDERS },
    figures: {
      mailboxWriteMs: summarize(written.map((p) => p.ms)),
      holdersPerWrite: summarize(written.map((p) => p.holders)),
      bytesHeldPerMessage: summarize(written.filter((p) => p.entries >= 8).map((p) => p.bytes / p.entries)),
      openToAllShownMs: summarize(toShown),
      firstDrainMs: summarize(toDrained),
      // Per round: when that drain started (ms after Bob's page started), how long it took,
      // and of that, how long it waited on slot lookups and spent opening and storing slots.
      drainBreakdown: breakdown
    }
  }
  console.log(JSON.stringify(results, null, 2))
  if (!QUICK) {
    await mkdir(resolve(OUT, 'bench/results'), { recursive: true })
    await writeFile(resolve(OUT, 'bench/results/mailbox.json'), `${JSON.stringify(results, null, 2)}\n`)
    log('wrote bench/results/mailbox.json')
  }
}

const watchdog = setTimeout(() => { console.error('bench:mailbox: over 14 minutes, giving up'); process.exit(2) }, 14 * 60_000)
main().then(() => { clearTimeout(watchdog); process.exit(0) }, (err) => { console.error('bench:mailbox:', err); process.exit(1) })
