// Keeping every run: a benchmark overwrites bench/results/<suite>.json with its newest run,
// so each run's figures are copied into bench/results/history/<suite>.json, oldest first.
import type { RunEntry, SuiteHistory, SuiteSpec } from './report-figures.ts'

/** The entry for a results file as its benchmark wrote it. */
export function entryOf (spec: SuiteSpec, results: unknown, from = `bench/results/${spec.suite}.json`): RunEntry {
  const { date, ...rest } = spec.record(results)
  if (date === '' || Number.isNaN(Date.parse(date))) {
    throw new Error(`bench/results/${spec.suite}.json has no valid "date"; a run must say when it ran`)
  }
  return { date, ...rest, from }
}

/**
 * The history with this run in it, in date order. A run is known by its date (each
 * benchmark stamps its results with the moment it ran), so recording twice changes nothing.
 */
export function withRun (history: SuiteHistory, run: RunEntry): { history: SuiteHistory, added: boolean } {
  if (history.runs.some((r) => r.date === run.date)) return { history, added: false }
  const runs = [...history.runs, run].sort((a, b) => Date.parse(a.date) - Date.parse(b.date))
  return { history: { ...history, runs }, added: true }
}

export function emptyHistory (suite: string): SuiteHistory {
  return { suite, runs: [] }
}

/** Checks what a history file holds before the page trusts it. */
export function parseHistory (suite: string, text: string): SuiteHistory {
  const data = JSON.parse(text) as Partial<SuiteHistory>
  if (data.suite !== suite || !Array.isArray(data.runs)) {
    throw new Error(`bench/results/history/${suite}.json must be { "suite": "${suite}", "runs": [...] }`)
  }
  for (const [i, run] of data.runs.entries()) {
    if (typeof run?.date !== 'string' || Number.isNaN(Date.parse(run.date)) || typeof run.from !== 'string' ||
      run.figures == null || typeof run.figures !== 'object') {
      throw new Error(`bench/results/history/${suite}.json: run ${i} needs a "date", a "from" and "figures"`)
    }
  }
  return data as SuiteHistory
}

/**
 * Two-space JSON with arrays of plain values on one line ("load": [0.13, 6.24]), so a run
 * reads as one short block. JSON strings hold no raw newline, so only layout is touched.
 */
export function formatHistory (history: SuiteHistory): string {
  const json = JSON.stringify(history, null, 2)
    .replace(/\[\n\s+([^[\]{}]*?)\n\s*\]/g, (_, inner: string) => `[${inner.replace(/,\n\s+/g, ', ')}]`)
  return `${json}\n`
}
