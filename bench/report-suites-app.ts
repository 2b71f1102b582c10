// The app's benchmarks as docs/BENCHMARKS.md shows them: each suite's figures, their
// aims (the issue that set each), and how a results file becomes a history entry.
import type { WalkingSkeletonResults } from './report.ts'
import type { FigureSpec, SuiteSpec, Value } from './report-figures.ts'
import { at, figuresOf, list, loadOf, num, pct, shortCommit, stat, str } from './report-json.ts'

/** The walking skeleton's figures from its results' `figures`; report.ts prints them too. */
export function oneToOneFigures (f: WalkingSkeletonResults['figures'] | undefined): Record<string, Value> {
  const p = (key: keyof WalkingSkeletonResults['figures'], which: 'p50' | 'p95' = 'p50'): number | null | undefined =>
    stat(at(f, key, 'summary'), which)
  const send = p('sendToRender')
  const rtt = p('rawDataChannelRtt')
  const bundle = f?.bundle
  return figuresOf({
    reloadToRelayReservedP50Ms: p('reloadToRelayReserved'),
    addContactToDirectP50Ms: p('addContactToDirect'),
    addContactToDirectP95Ms: p('addContactToDirect', 'p95'),
    sendToRenderP50Ms: send,
    sendToRenderP95Ms: p('sendToRender', 'p95'),
    sendToRenderSenderP50Ms: p('sendToRenderSender'),
    sendToRenderWireP50Ms: p('sendToRenderWire'),
    sendToRenderReceiverP50Ms: p('sendToRenderReceiver'),
    sendToRenderMsPerMessage: num(f, 'sendToRender', 'trend'),
    rawDataChannelRttP50Ms: rtt,
    rawDataChannelOneWayP50Ms: p('rawDataChannelOneWay'),
    sendToRenderOverRtt: send != null && rtt != null && rtt > 0 ? Math.round((send / rtt) * 100) / 100 : undefined,
    initialJsGzipKB: bundle == null ? undefined : Math.round(bundle.initialGzip / 100) / 10,
    wholeAppGzipKB: bundle == null ? undefined : Math.round(bundle.allGzip / 100) / 10,
    libp2pLazy: bundle == null ? undefined : !bundle.libp2pInInitial
  })
}

export const WALKING_SKELETON: SuiteSpec = {
  suite: 'walking-skeleton',
  title: 'One to one: start, add contact, send to render, bundle',
  run: '`npm run bench` (about 6 minutes; `-- --rev HEAD` measures a clean export of a commit, `-- --quick` tries it and writes nothing)',
  figures: [
    { id: 'sendToRenderP50Ms', label: 'send to render, 100 B, one way, p50', unit: 'ms', aim: { op: '<=', value: 10, issue: 17 } },
    { id: 'rawDataChannelRttP50Ms', label: 'raw RTCDataChannel round trip, same pages, same minutes, p50', unit: 'ms' },
    { id: 'sendToRenderOverRtt', label: 'send to render ÷ raw round trip (p50s)', unit: '×', aim: { op: '<=', value: 5, issue: 17 } },
    { id: 'sendToRenderMsPerMessage', label: 'send to render, growth per message in the conversation', unit: 'ms' },
    { id: 'addContactToDirectP50Ms', label: 'add contact to direct connection, p50', unit: 'ms', aim: { op: '<=', value: 300, issue: 17 } },
    { id: 'reloadToRelayReservedP50Ms', label: 'page load to relay reservation, p50', unit: 'ms' },
    { id: 'initialJsGzipKB', label: 'initial JS, gzip', unit: 'kB', aim: { op: '<=', value: 80, issue: 17 } },
    { id: 'libp2pLazy', label: 'libp2p only in a lazily loaded chunk', unit: '', aim: { value: true, issue: 2 } },
    { id: 'wholeAppGzipKB', label: 'whole app JS, gzip', unit: 'kB' },
    { id: 'rendererIdleTabMiB', label: 'renderer memory, idle tab', unit: 'MiB', aim: { op: '<=', value: 150, issue: 17 } }
  ],
  record: (r) => {
    const results = r as WalkingSkeletonResults
    const dirty = list(r, 'source', 'uncommittedChanges')
    return {
      date: results.date,
      commit: shortCommit(str(r, 'source', 'commit')),
      load: loadOf(num(r, 'machine', 'loadAverageAtStart', 0), num(r, 'machine', 'loadAverageAtEnd', 0)),
      ...(dirty.length > 0 ? { note: `working tree with uncommitted changes in ${dirty.join(', ')}` } : {}),
      figures: oneToOneFigures(results.figures)
    }
  }
}

const p50Of = (r: unknown, runtime: string, ...path: string[]): number | null | undefined =>
  stat(at(r, 'figures', runtime, ...path))

export const CRYPTO: SuiteSpec = {
  suite: 'crypto',
  title: 'End-to-end encryption: ratchet steps and primitives, 1 KiB',
  run: '`npm run bench:crypto` (about 2 minutes; Node and Chromium; p50 of batches timed together, Chromium\'s clock being coarse)',
  figures: [
    { id: 'symmetricEncryptChromiumP50Ms', label: 'symmetric step + AES-GCM, encrypt, Chromium, p50', unit: 'ms', aim: { op: '<', value: 0.2, issue: 3 } },
    { id: 'symmetricDecryptChromiumP50Ms', label: 'symmetric step + AES-GCM, decrypt, Chromium, p50', unit: 'ms', aim: { op: '<', value: 0.2, issue: 3 } },
    { id: 'dhStepWebCryptoChromiumP50Ms', label: 'DH ratchet step, WebCrypto X25519 (what the app uses), Chromium, p50', unit: 'ms', aim: { op: '<', value: 1, issue: 3 } },
    { id: 'dhStepNobleChromiumP50Ms', label: 'DH ratchet step, noble X25519, Chromium, p50', unit: 'ms' },
    { id: 'encryptPersistChromiumP50Ms', label: 'encrypt + persist (session step, strict IndexedDB commit), Chromium, p50', unit: 'ms' },
    { id: 'aesGcmWebCryptoChromiumP50Ms', label: 'AES-256-GCM, WebCrypto, Chromium, p50', unit: 'ms' },
    { id: 'aesGcmNobleChromiumP50Ms', label: 'AES-256-GCM, noble, Chromium, p50', unit: 'ms' },
    { id: 'x25519WebCryptoChromiumP50Ms', label: 'X25519 agreement, WebCrypto, Chromium, p50', unit: 'ms' },
    { id: 'x25519NobleChromiumP50Ms', label: 'X25519 agreement, noble, Chromium, p50', unit: 'ms' },
    { id: 'symmetricEncryptNodeP50Ms', label: 'symmetric step + AES-GCM, encrypt, Node (for comparing changes), p50', unit: 'ms' },
    { id: 'dhStepWebCryptoNodeP50Ms', label: 'DH ratchet step, WebCrypto X25519, Node, p50', unit: 'ms' }
  ],
  record: (r) => {
    const figures: Record<string, number | null | undefined> = {}
    for (const [runtime, name] of [['chromium', 'Chromium'], ['node', 'Node']] as const) {
      figures[`symmetricEncrypt${name}P50Ms`] = p50Of(r, runtime, 'symmetricEncrypt')
      figures[`symmetricDecrypt${name}P50Ms`] = p50Of(r, runtime, 'symmetricDecrypt')
      figures[`dhStepNoble${name}P50Ms`] = p50Of(r, runtime, 'dhStepDecrypt')
      figures[`dhStepWebCrypto${name}P50Ms`] = p50Of(r, runtime, 'dhStepDecryptWebCrypto')
      figures[`aesGcmNoble${name}P50Ms`] = p50Of(r, runtime, 'aesGcm1KiB', 'noble')
      figures[`aesGcmWebCrypto${name}P50Ms`] = p50Of(r, runtime, 'aesGcm1KiB', 'webcrypto')
      figures[`x25519Noble${name}P50Ms`] = p50Of(r, runtime, 'x25519', 'noble')
      figures[`x25519WebCrypto${name}P50Ms`] = p50Of(r, runtime, 'x25519', 'webcrypto')
    }
    figures.encryptPersistChromiumP50Ms = p50Of(r, 'chromium', 'encryptAndPersist')
    return { date: str(r, 'date') ?? '', commit: shortCommit(str(r, 'commit')), load: loadOf(num(r, 'loadavg', 0)), figures: figuresOf(figures) }
  }
}

export const MAILBOX: SuiteSpec = {
  suite: 'mailbox',
  title: 'Offline delivery: mailboxes in the DHT',
  run: '`npm run bench:mailbox` (3 rounds: Ann writes 100 messages to closed Bob, Bob opens; `-- --rev <commit>` measures another commit, `-- --quick` writes nothing)',
  figures: [
    { id: 'openToAllShownP50Ms', label: 'a returning tab: page open to 100 queued messages shown, p50 of rounds', unit: 'ms', aim: { op: '<', value: 2000, issue: 4 } },
    { id: 'firstDrainP50Ms', label: 'first drain that found them (lookups, decrypt, commit), p50', unit: 'ms' },
    { id: 'mailboxWriteP50Ms', label: 'mailbox write (PUT to the closest holders), p50', unit: 'ms' },
    { id: 'mailboxWriteP95Ms', label: 'mailbox write, p95', unit: 'ms' },
    { id: 'holdersPerWriteP50', label: 'holders per write, p50', unit: '' },
    { id: 'bytesHeldPerMessageP50', label: 'what a holder keeps per 100-byte message, p50', unit: 'B' }
  ],
  record: (r) => ({
    date: str(r, 'date') ?? '',
    commit: shortCommit(str(r, 'commit')),
    load: loadOf(num(r, 'loadAverageAtStart', 0), num(r, 'loadAverageAtEnd', 0)),
    figures: figuresOf({
      openToAllShownP50Ms: stat(at(r, 'figures', 'openToAllShownMs')),
      openToAllShownMaxMs: stat(at(r, 'figures', 'openToAllShownMs'), 'max'),
      firstDrainP50Ms: stat(at(r, 'figures', 'firstDrainMs')),
      mailboxWriteP50Ms: stat(at(r, 'figures', 'mailboxWriteMs')),
      mailboxWriteP95Ms: stat(at(r, 'figures', 'mailboxWriteMs'), 'p95'),
      holdersPerWriteP50: stat(at(r, 'figures', 'holdersPerWrite')),
      bytesHeldPerMessageP50: stat(at(r, 'figures', 'bytesHeldPerMessage'))
    })
  })
}

/** Per group size n: quiet and burst send-to-render, duplicates, or why the group did not form. */
function groupFigures (group: unknown): Record<string, Value> {
  const n = num(group, 'members')
  if (n == null) return {}
  const failed = str(group, 'failed')
  if (failed != null) {
    // The bench gives a group 3 minutes to appear to every member; the reason's first line says who did not see it.
    const why = `did not form (${failed.split(/[:\n]/)[0]!.trim()})`
    return { [`formed${n}`]: why, [`quiet${n}P50Ms`]: why, [`quiet${n}P95Ms`]: why }
  }
  return figuresOf({
    // bench/groups.ts does not time the forming yet: a group that formed says "not recorded"
    // until its results carry `formedMs`.
    [`formed${n}`]: num(group, 'formedMs') ?? null,
    [`quiet${n}P50Ms`]: stat(at(group, 'quietSendToRenderMs')),
    [`quiet${n}P95Ms`]: stat(at(group, 'quietSendToRenderMs'), 'p95'),
    [`burst${n}P50Ms`]: stat(at(group, 'burstSendToRenderMs')),
    [`burst${n}P95Ms`]: stat(at(group, 'burstSendToRenderMs'), 'p95'),
    [`duplicates${n}`]: num(group, 'duplicateCopiesPerMessagePerMember')
  })
}

export const GROUPS: SuiteSpec = {
  suite: 'groups',
  title: 'Groups: forming, send to render, duplicates',
  run: '`npm run bench:groups` (groups of 5 and 10 tabs in one Chromium; `-- --sizes 5,10,15` to choose, `-- --quick` writes nothing)',
  figures: [
    { id: 'formed10', label: 'a group of 10 forms (every member shows every first message)', unit: 'ms', aim: { op: '<=', value: 15_000, issue: 17 } },
    { id: 'formed50', label: 'a group of 50 forms', unit: 'ms', aim: { op: '<=', value: 60_000, issue: 17 } },
    { id: 'quiet10P95Ms', label: '10 members, quiet: send to render, p95', unit: 'ms', aim: { op: '<=', value: 200, issue: 17 } },
    { id: 'quiet5P95Ms', label: '5 members, quiet: send to render, p95', unit: 'ms', aim: { op: '<', value: 50, issue: 5 } },
    { id: 'quiet5P50Ms', label: '5 members, quiet: send to render, p50', unit: 'ms' },
    { id: 'burst5P95Ms', label: '5 members, all sending 10 at once: send to render, p95', unit: 'ms' },
    { id: 'duplicates5', label: '5 members: duplicate copies per message per member', unit: '' },
    { id: 'rendererTenGroupsMiB', label: 'renderer memory, a tab in 10 groups', unit: 'MiB', aim: { op: '<=', value: 150, issue: 17 } }
  ],
  record: (r) => ({
    date: str(r, 'date') ?? '',
    commit: shortCommit(str(r, 'commit')),
    load: loadOf(num(r, 'loadAverageAtStart', 0), num(r, 'loadAverageAtEnd', 0)),
    figures: Object.assign({}, ...list(r, 'groups').map(groupFigures))
  })
}

const coldStartMode = (mode: string): string =>
  mode.startsWith('network') ? 'network' : mode.includes('offline') ? 'swOffline' : 'swOnline'

export const PWA_COLD_START: SuiteSpec = {
  suite: 'pwa-cold-start',
  title: 'Installed app: cold start to interactive',
  run: '`npm run bench:pwa -- cold-start` (about 3 minutes; `MURMUR_BENCH_SAMPLES=3` for a quick look, which is still recorded)',
  figures: [
    { id: 'swOnlineP50Ms', label: 'from the service worker, online, p50', unit: 'ms' },
    { id: 'swOfflineP50Ms', label: 'from the service worker, offline, p50', unit: 'ms' },
    { id: 'networkP50Ms', label: 'from the network, service worker bypassed, HTTP cache warm (reference), p50', unit: 'ms' },
    { id: 'swOnlineP90Ms', label: 'from the service worker, online, p90', unit: 'ms' },
    { id: 'swOfflineP90Ms', label: 'from the service worker, offline, p90', unit: 'ms' }
  ],
  record: (r) => {
    const figures: Record<string, Value> = {}
    for (const [mode, samples] of Object.entries((at(r, 'results') ?? {}) as Record<string, unknown>)) {
      const ms = list(samples).map((s) => num(s, 'interactiveMs')).filter((x): x is number => x != null)
      const id = coldStartMode(mode)
      figures[`${id}P50Ms`] = pct(ms, 50)
      figures[`${id}P90Ms`] = pct(ms, 90)
      figures[`${id}FromServiceWorker`] = [list(samples).filter((s) => at(s, 'fromServiceWorker') === true).length, ms.length]
    }
    return { date: str(r, 'date') ?? '', commit: shortCommit(str(r, 'commit')), load: loadOf(num(r, 'loadavg', 0)), figures }
  }
}

export const PWA_PUSH_DRAIN: SuiteSpec = {
  suite: 'pwa-push-drain',
  title: 'Push: from the notification to the message on screen',
  run: '`npm run bench:pwa -- push` (about 5 minutes; `MURMUR_BENCH_SAMPLES=4` for a quick look, which is still recorded)',
  figures: [
    { id: 'shownWithin1s', label: 'runs with the message on screen within 1 s of the push', unit: '', aim: { op: '>=', value: 0.95, issue: 17, text: '19 of 20 runs or better' } },
    { id: 'shownP50Ms', label: 'push received to message on screen, p50', unit: 'ms' },
    { id: 'shownP90Ms', label: 'push received to message on screen, p90', unit: 'ms' },
    { id: 'drainedP50Ms', label: 'push received to mailboxes read, p50', unit: 'ms' },
    { id: 'leftOut', label: 'runs left out (the poll read it first, or the push started no read)', unit: '' }
  ],
  record: (r) => {
    const samples = list(r, 'samples')
    const shown = samples.map((s) => num(s, 'shownMs')).filter((x): x is number => x != null)
    const drained = samples.map((s) => num(s, 'drainedMs')).filter((x): x is number => x != null)
    return {
      date: str(r, 'date') ?? '',
      commit: shortCommit(str(r, 'commit')),
      load: loadOf(num(r, 'loadavg', 0)),
      figures: figuresOf({
        shownWithin1s: [shown.filter((ms) => ms <= 1000).length, shown.length],
        shownP50Ms: pct(shown, 50),
        shownP90Ms: pct(shown, 90),
        drainedP50Ms: pct(drained, 50),
        leftOut: (num(r, 'pollFirst') ?? 0) + (num(r, 'failed') ?? 0)
      })
    }
  }
}
