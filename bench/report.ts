import { round, slope, summarize, type Summary } from './stats.ts'
import type { BundleReport } from './bundle-size.ts'
import { formatAim, formatValue, isMet } from './report-figures.ts'
import { WALKING_SKELETON, oneToOneFigures } from './report-suites-app.ts'

export interface Figure {
  summary: Summary
  /** Theil–Sen change per sample, in sample order (ms per sample). */
  trend: number
  samples: number[]
}

export function figure (all: number[]): Figure {
  // A part the trace did not see is NaN: left out, and n says how many were seen.
  const samples = all.filter(Number.isFinite)
  const summary = summarize(samples)
  for (const key of ['min', 'p50', 'p95', 'max', 'mean'] as const) summary[key] = round(summary[key])
  return { summary, trend: Math.round(slope(samples) * 1000) / 1000, samples: samples.map(round) }
}

export interface Aim {
  aim: string
  value: string
  met: boolean | null
}

export interface WalkingSkeletonResults {
  benchmark: 'walking-skeleton'
  date: string
  durationSeconds: number
  machine: {
    cpuModel: string
    cores: number
    memoryGiB: number
    loadAverageAtStart: number[]
    loadAverageAtEnd: number[]
    node: string
    chromium: string
    os: string
  }
  source: { measured: 'working tree' | 'clean export of the commit', commit: string, uncommittedChanges: string[] }
  settings: Record<string, number>
  figures: {
    reloadToRelayReserved?: Figure
    reloadToDomContentLoaded?: Figure
    reloadToRelayDial?: Figure
    addContactToDirect?: Figure
    addContactToPeerConnection?: Figure
    addContactPeerConnectionToConnected?: Figure
    addContactConnectedToDirect?: Figure
    bobReservedBeforeClick?: Figure
    sendToRender?: Figure
    sendToRenderSender?: Figure
    sendToRenderWire?: Figure
    sendToRenderReceiver?: Figure
    rawDataChannelRtt?: Figure
    rawDataChannelOneWay?: Figure
    bundle?: BundleReport
  }
  aims: Aim[]
  errors: string[]
}

/** The walking skeleton's aims (bench/report-suites-app.ts, as docs/BENCHMARKS.md judges them) on this run. */
export function aimsOf (f: WalkingSkeletonResults['figures']): Aim[] {
  const figures = oneToOneFigures(f)
  return WALKING_SKELETON.figures.filter((spec) => spec.aim != null).map((spec) => ({
    aim: `${spec.label} ${formatAim(spec)}`,
    value: formatValue(figures[spec.id], spec.unit),
    met: isMet(spec, figures[spec.id])
  }))
}

function fmt (ms: number): string {
  return String(round(ms))
}

function kB (bytes: number): string {
  return (bytes / 1000).toFixed(1)
}

function table (head: string[], rows: string[][]): string {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`)
  ].join('\n')
}

const TIMINGS: Array<[keyof WalkingSkeletonResults['figures'], string]> = [
  ['reloadToRelayReserved', 'page load (reload) to relay reservation'],
  ['reloadToDomContentLoaded', '  point: DOMContentLoaded'],
  ['reloadToRelayDial', '  point: relay WebSocket opened'],
  ['addContactToDirect', 'add contact to direct connection'],
  ['addContactToPeerConnection', '  part: click to RTCPeerConnection created'],
  ['addContactPeerConnectionToConnected', '  part: RTCPeerConnection to connected'],
  ['addContactConnectedToDirect', '  part: connected to direct mark'],
  ['bobReservedBeforeClick', '  (B reserved this long before the click)'],
  ['sendToRender', 'send to render, 100 B, one way'],
  ['sendToRenderSender', '  part: click to data-channel send (A)'],
  ['sendToRenderWire', '  part: data channel, send to message'],
  ['sendToRenderReceiver', '  part: message to list item in DOM (B)'],
  ['rawDataChannelRtt', 'raw RTCDataChannel round trip, 100 B'],
  ['rawDataChannelOneWay', 'raw RTCDataChannel one way, 100 B']
]

/** The figures as Markdown, printed by the bench (docs/BENCHMARKS.md is written from the history). */
export function renderFigures (r: WalkingSkeletonResults): string {
  const timingRows = TIMINGS.flatMap(([key, label]) => {
    const fig = r.figures[key] as Figure | undefined
    if (fig == null || fig.summary.n === 0) return [[label, '–', 'not measured', '', '', '']]
    const s = fig.summary
    return [[label, String(s.n), fmt(s.p50), fmt(s.p95), fmt(s.min), fmt(s.max)]]
  })
  const parts = [table(['what (ms)', 'n', 'p50', 'p95', 'min', 'max'], timingRows)]
  const send = r.figures.sendToRender
  const raw = r.figures.rawDataChannelRtt
  if (send != null && raw != null && send.summary.n > 1) {
    // Each round adds one message to the conversation: the trend is the cost of history.
    const firstAndLast = (f: Figure): string => {
      const k = Math.min(20, Math.floor(f.samples.length / 2))
      return `${fmt(summarize(f.samples.slice(0, k)).p50)} → ${fmt(summarize(f.samples.slice(-k)).p50)}`
    }
    parts.push(table(['over the rounds (each adds a message to the conversation)', 'p50 of first 20 → last 20 rounds (ms)', 'trend, Theil–Sen (ms per round)'], [
      ['send to render', firstAndLast(send), send.trend.toFixed(3)],
      ['raw RTCDataChannel round trip', firstAndLast(raw), raw.trend.toFixed(3)]
    ]))
  }
  const b = r.figures.bundle
  if (b != null) {
    parts.push(table(['bundle', 'files', 'raw kB', 'gzip kB'], [
      ['initial JS (index.html scripts, modulepreloads and their static imports)', b.initial.map((c) => c.file.replace('assets/', '')).join(', '), kB(b.initial.reduce((s, c) => s + c.bytes, 0)), kB(b.initialGzip)],
      ['whole app (every .js in dist/assets)', String(b.all.length), kB(b.all.reduce((s, c) => s + c.bytes, 0)), kB(b.allGzip)]
    ]))
  }
  parts.push(table(['aim', 'this run', 'met'], r.aims.map((a) => [a.aim, a.value, a.met == null ? '–' : a.met ? 'yes' : 'no'])))
  const m = r.machine
  parts.push(`Run ${r.date} (${r.durationSeconds} s) on ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ` +
    `load average ${m.loadAverageAtStart.map((x) => x.toFixed(2)).join(' ')} at the start and ` +
    `${m.loadAverageAtEnd.map((x) => x.toFixed(2)).join(' ')} at the end; Node ${m.node}, Chromium ${m.chromium}, ${m.os}; ` +
    `measured ${r.source.measured === 'working tree' ? 'the working tree at' : 'a clean export of'} ${r.source.commit.slice(0, 12)}` +
    `${r.source.uncommittedChanges.length > 0 ? ` with uncommitted changes in ${r.source.uncommittedChanges.join(', ')}` : ''}.`)
  if (r.errors.length > 0) parts.push(['Errors:', ...r.errors.map((e) => `- ${e}`)].join('\n'))
  return parts.join('\n\n')
}
