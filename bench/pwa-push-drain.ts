// `npm run bench:pwa` (second part): a push arrives at an open Murmur tab; how long until
// its mailboxes are read and the message is on screen. Runs inside the loopback-only
// namespace (scripts/bench-pwa.mjs). Prints a table and writes every sample to
// bench/results/pwa-push-drain.json; nothing is asserted.
//
// Ann and Bob are contacts; Ann's browser then loses its microphone permission, without
// which Chromium offers no loopback ICE candidates, so the two cannot link directly and
// everything Ann writes waits in Bob's DHT mailbox. Per sample: Ann writes, waits until the
// message is stored (held by a peer), then the push is handed to Bob's service worker over
// DevTools (ServiceWorker.deliverPushMessage), standing in for the browser vendor's push
// service, which is unreachable here. Measured in Bob's page, from the app's marks:
// push received (murmur:push-received) -> mailboxes read (murmur:push-drained) and ->
// message shown. A sample where Bob's own 30 s poll read the message before the push is
// left out and counted.
import '../test/harness/node-shims.ts'
import { cpus, loadavg } from 'node:os'
import { execFileSync } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import type { Page } from 'playwright-core'
import { startRelay } from '../test/harness/relay.ts'
import { openPersonBrowser } from '../test/harness/browser.ts'
import { addContact, createProfile, inviteLink, openConversation, sendMessage, waitForMessage, waitUntil } from '../test/harness/person.ts'
import { registrationId, waitForController } from '../test/harness/service-worker.ts'
import { percentile } from './stats.ts'
import { pageEvents } from '../test/harness/events.ts'

const SAMPLES = Number(process.env.MURMUR_BENCH_SAMPLES ?? 12)

interface Sample { drainedMs: number, shownMs: number, entriesRead: number }

const lastOutgoingState = async (page: Page): Promise<string> =>
  (await page.getByRole('log', { name: 'Messages' }).locator('li.out').last().getByRole('img').getAttribute('aria-label')) ?? ''

const relay = await startRelay()
const bob = await openPersonBrowser(relay.url, undefined, { permissions: ['notifications'] })
const ann = await openPersonBrowser(relay.url)
const samples: Sample[] = []
let pollFirst = 0
let failed = 0
try {
  await createProfile(bob.page, 'Bob')
  await waitForController(bob.page)
  await createProfile(ann.page, 'Ann')
  await addContact(ann.page, await inviteLink(bob.page))
  await openConversation(ann.page, 'Bob')
  await sendMessage(ann.page, 'hello Bob')
  await openConversation(bob.page, 'Ann')
  await waitForMessage(bob.page, 'hello Bob', 60_000)
  await ann.context.clearPermissions()
  await ann.page.reload()
  await openConversation(ann.page, 'Bob')

  const cdp = await bob.context.newCDPSession(bob.page)
  const id = await registrationId(cdp, relay.url)
  for (let i = 0; samples.length < SAMPLES && i < SAMPLES * 2; i++) {
    const text = `push drain sample ${i}`
    await sendMessage(ann.page, text)
    await waitUntil(async () => /stored|delivered|read/.test(await lastOutgoingState(ann.page)), 'the message stored', 120_000)
    if (await bob.page.getByRole('log', { name: 'Messages' }).getByText(text).count() > 0) { pollFirst++; continue }
    const before = await bob.page.evaluate(() => performance.now())
    const shown = bob.page.waitForFunction((t) => document.body.innerText.includes(t) ? performance.now() : false, text, { polling: 10, timeout: 120_000 })
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: relay.url, registrationId: id, data: '' })
    const shownAt = await (await shown).jsonValue() as number
    try {
      await waitUntil(async () => (await pageEvents(bob.page, 'push:drained')).some((e) => e.at > before), 'the push drain', 60_000)
    } catch (err) {
      const seen = JSON.stringify((await pageEvents(bob.page, 'push:received')).filter((e) => e.at > before).map((e) => e.detail))
      console.error(`sample ${i}: no drain started by the push (push received in the page: ${seen}); shown ${(shownAt - before).toFixed(0)} ms after delivery`)
      failed++
      continue
    }
    const received = (await pageEvents(bob.page, 'push:received')).find((e) => e.at > before)!
    const drained = (await pageEvents(bob.page, 'push:drained')).find((e) => e.at > before)!
    samples.push({ drainedMs: drained.at - received.at, shownMs: shownAt - received.at, entriesRead: drained.detail?.entries ?? 0 })
  }
  await cdp.detach()
} finally {
  await ann.dispose()
  await bob.dispose()
  await relay.stop()
}

const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD']).toString().trim()
const row = (what: string, values: number[]): string => {
  const sorted = [...values].sort((a, b) => a - b)
  return `| ${what} | ${percentile(sorted, 50).toFixed(0)} | ${percentile(sorted, 90).toFixed(0)} | ${sorted[sorted.length - 1]!.toFixed(0)} |`
}
console.log([
  `Push received in an open tab to mailbox drained, ms; n = ${samples.length} (${pollFirst} left out: the 30 s poll read the message first; ${failed} left out: no read started by the push: the tab was not the leader or not on its relay at that moment), load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores, commit ${commit}`,
  '',
  '| from push received to | p50 | p90 | max |',
  '| --- | --- | --- | --- |',
  row('mailboxes read (murmur:push-drained)', samples.map((s) => s.drainedMs)),
  row('message on screen', samples.map((s) => s.shownMs))
].join('\n'))
await mkdir('bench/results', { recursive: true })
await writeFile('bench/results/pwa-push-drain.json', JSON.stringify({ date: new Date().toISOString(), commit, loadavg: loadavg(), pollFirst, failed, samples }, null, 2) + '\n')
