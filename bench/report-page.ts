// docs/BENCHMARKS.md from the runs kept in bench/results/history/: one table per suite of
// each figure's newest value against its aim. Pure: the same history gives the same page.
import { currentOf, formatAim, formatValue, isMet, type RunEntry, type SuiteHistory, type SuiteSpec } from './report-figures.ts'

const HEADER = `# Benchmarks

Written by \`npm run bench:report\` from \`bench/results/\`, and again by every \`npm run bench*\`
command after its run; edits by hand are lost. A row shows the suite's latest run
(\`bench/results/<suite>.json\`, with its samples) or, where that run did not measure the
figure, the newest run that did, with the machine's 1-minute load average at the start and
end of that run: the machine is a shared 2-core VM, so compare figures of one run, not
milliseconds across runs. Every run's figures are kept, dated, in
\`bench/results/history/<suite>.json\`.`

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ')

/** "2026-12-03 16:20, 75a50b4": minutes are enough to find the run in the history. */
function runCell (run: RunEntry | undefined): string {
  if (run == null) return ''
  const when = run.date.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, '').replace(/Z$/, '')
  return run.commit == null ? when : `${when}, ${run.commit}`
}

function loadCell (run: RunEntry | undefined): string {
  const load = run?.load
  if (load == null || load.length === 0) return ''
  return load.map((x) => x.toFixed(1)).join(' → ')
}

const METS = new Map<boolean | null, string>([[true, 'yes'], [false, 'no'], [null, '']])

export function renderSuite (spec: SuiteSpec, runs: readonly RunEntry[], latest?: string): string {
  const rows = spec.figures.map((figure) => {
    const { value, run } = currentOf(runs, figure.id, latest)
    return [figure.label, formatValue(value, figure.unit), formatAim(figure), METS.get(isMet(figure, value))!, runCell(run), loadCell(run)]
  })
  return [
    `## ${spec.title}`,
    '',
    spec.run,
    '',
    '| figure | current | aim | met | run | load |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`)
  ].join('\n')
}

/** `latest`: by suite, the date of the run in bench/results/<suite>.json. */
export function renderPage (
  suites: readonly SuiteSpec[],
  histories: ReadonlyMap<string, SuiteHistory>,
  latest: ReadonlyMap<string, string> = new Map()
): string {
  const sections = suites.map((spec) => renderSuite(spec, histories.get(spec.suite)?.runs ?? [], latest.get(spec.suite)))
  return `${[HEADER, ...sections].join('\n\n')}\n`
}
