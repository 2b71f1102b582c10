// What `npm run bench:report` would write: each suite's newest run (bench/results/<suite>.json)
// copied into its history if it is not there yet, and docs/BENCHMARKS.md from the histories.
// Reads files, writes none (bench/write-report.ts does).
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { SuiteHistory } from './report-figures.ts'
import { emptyHistory, entryOf, formatHistory, parseHistory, withRun } from './report-history.ts'
import { renderPage } from './report-page.ts'
import { SUITES } from './report-suites.ts'

export interface ReportPlan {
  /** Files to write, by path, with their new text: only those that would change. */
  changes: Map<string, string>
  /** One line per run newly recorded. */
  recorded: string[]
}

async function readText (path: string): Promise<string | undefined> {
  return existsSync(path) ? await readFile(path, 'utf8') : undefined
}

/** Everything the report would write under `root`, without writing it. */
export async function planReport (root: string): Promise<ReportPlan> {
  const changes = new Map<string, string>()
  const recorded: string[] = []
  const histories = new Map<string, SuiteHistory>()
  const latest = new Map<string, string>()
  for (const spec of SUITES) {
    const historyPath = join(root, 'bench/results/history', `${spec.suite}.json`)
    const historyText = await readText(historyPath)
    let history = historyText == null ? emptyHistory(spec.suite) : parseHistory(spec.suite, historyText)
    const resultsText = await readText(join(root, 'bench/results', `${spec.suite}.json`))
    if (resultsText != null) {
      const run = entryOf(spec, JSON.parse(resultsText))
      latest.set(spec.suite, run.date)
      const next = withRun(history, run)
      if (next.added) {
        history = next.history
        recorded.push(`${spec.suite}: recorded the run of ${run.date}`)
        changes.set(historyPath, formatHistory(history))
      }
    }
    histories.set(spec.suite, history)
  }
  const pagePath = join(root, 'docs/BENCHMARKS.md')
  const page = renderPage(SUITES, histories, latest)
  if (await readText(pagePath) !== page) changes.set(pagePath, page)
  return { changes, recorded }
}
