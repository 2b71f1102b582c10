// What docs/BENCHMARKS.md is made of: every run of a benchmark kept as a dated entry of
// named figures (bench/results/history/<suite>.json), each suite's figures with their aims,
// and the rules that pick a figure's current value and judge it. No I/O here.

/**
 * One figure of one run: a number in the figure's unit; yes/no; [count, of] ("6 of 12");
 * a sentence when the run could not produce a number ("did not form within 3 minutes");
 * null when the run ran but did not record it.
 */
export type Value = number | boolean | string | null | [number, number]

export interface RunEntry {
  /**
   * ISO 8601 in UTC: the results file's own date (the run's start or end, as its benchmark
   * stamps it; it also tells runs apart), or as the old report gave it.
   */
  date: string
  /** Short hash of the code measured, where known. */
  commit?: string
  /** The machine's 1-minute load average: at the start and at the end, or one reading. */
  load?: number[]
  /** Where this entry comes from: a results file, or the report it was transcribed from. */
  from: string
  note?: string
  figures: Record<string, Value>
  /** What was measured beyond the figures: parts, per-round values, the old report's tables. */
  detail?: unknown
}

export interface SuiteHistory {
  suite: string
  runs: RunEntry[]
}

export type Unit = 'ms' | 's' | 'B' | 'kB' | 'KiB' | 'MiB' | 'MiB/min' | '×' | ''

export interface AimSpec {
  op: '<' | '<=' | '>='
  /** In the figure's unit; for a [count, of] figure, the share of `of` (0.95). */
  value: number
  /** The issue that set the aim. */
  issue: number
  /** How the aim reads when the operator and value alone would not say it. */
  text?: string
}

export interface FigureSpec {
  id: string
  label: string
  unit: Unit
  aim?: AimSpec | { value: boolean, issue: number, text?: string }
}

export interface Current {
  value: Value | undefined
  run?: RunEntry
}

/**
 * A figure's current value comes from the suite's latest run, the one in
 * bench/results/<suite>.json (`latest`, its date): that file is what the repository keeps as
 * the suite's current state, even where the history holds a later run of other code (a
 * before-and-after session, an instrumented run). A figure that run did not measure (a
 * run of other sizes, a figure added since) comes from the newest run that did; a run that
 * failed to measure it says so (a sentence, or null), which stands.
 */
export function currentOf (runs: readonly RunEntry[], id: string, latest?: string): Current {
  const preferred = runs.find((run) => run.date === latest && Object.hasOwn(run.figures, id))
  if (preferred != null) return { value: preferred.figures[id], run: preferred }
  let best: RunEntry | undefined
  for (const run of runs) {
    if (!Object.hasOwn(run.figures, id)) continue
    if (best == null || Date.parse(run.date) >= Date.parse(best.date)) best = run
  }
  return best == null ? { value: undefined } : { value: best.figures[id], run: best }
}

/** true: met; false: not met; null: nothing to judge (no aim, or no figure). */
export function isMet (spec: FigureSpec, value: Value | undefined): boolean | null {
  const aim = spec.aim
  if (aim == null || value === undefined || value === null) return null
  if (typeof aim.value === 'boolean') return value === aim.value
  // A sentence in place of a number is a failure to reach the aim (it did not form, ...).
  if (typeof value === 'string') return false
  if (typeof value === 'boolean') return null
  const x = Array.isArray(value) ? (value[1] === 0 ? 0 : value[0] / value[1]) : value
  const { op } = aim as AimSpec
  return op === '<' ? x < aim.value : op === '<=' ? x <= aim.value : x >= aim.value
}

const trim = (x: number, digits: number): string => String(Number(x.toFixed(digits)))

/** Few digits, as many as the size of the number deserves. */
function number (x: number): string {
  const abs = Math.abs(x)
  if (abs >= 100) return String(Math.round(x))
  if (abs >= 10) return trim(x, 1)
  if (abs >= 1) return trim(x, 2)
  return trim(x, 3)
}

export function formatAmount (x: number, unit: Unit): string {
  if (unit === 'ms' && Math.abs(x) >= 1000) return `${number(x / 1000)} s`
  if (unit === 's' && Math.abs(x) >= 120) return `${number(x / 60)} min`
  if (unit === '') return number(x)
  if (unit === '×') return `${number(x)}×`
  return `${number(x)} ${unit}`
}

export function formatValue (value: Value | undefined, unit: Unit): string {
  if (value === undefined) return 'not measured'
  if (value === null) return 'not recorded'
  if (typeof value === 'string') return value
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  if (Array.isArray(value)) return `${number(value[0])} of ${number(value[1])}`
  return formatAmount(value, unit)
}

export function formatAim (spec: FigureSpec): string {
  const aim = spec.aim
  if (aim == null) return ''
  const source = ` (issue ${aim.issue})`
  if (aim.text != null) return aim.text + source
  if (typeof aim.value === 'boolean') return (aim.value ? 'yes' : 'no') + source
  const op = { '<': '<', '<=': '≤', '>=': '≥' }[(aim as AimSpec).op]
  return `${op} ${formatAmount(aim.value, spec.unit)}${source}`
}

export interface SuiteSpec {
  /** The results file's name in bench/results/, without .json. */
  suite: string
  title: string
  /** One line: the command and what to know before running it. */
  run: string
  /** The figures the page shows, in order; a run's entry may hold more. */
  figures: FigureSpec[]
  /** A results file, as its benchmark wrote it, to a history entry. */
  record: (results: unknown) => Omit<RunEntry, 'from'>
}
