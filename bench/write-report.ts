// `npm run bench:report`, and the last step of every `npm run bench*`: records each suite's
// newest run in bench/results/history/ and rewrites docs/BENCHMARKS.md (bench/report-plan.ts).
// `--check` writes nothing and exits 1 when the page or a history is behind the results.
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, relative, resolve } from 'node:path'
import { planReport } from './report-plan.ts'

async function main (): Promise<number> {
  const root = resolve('.')
  const check = process.argv.includes('--check')
  const plan = await planReport(root)
  for (const line of plan.recorded) console.log(`bench:report: ${line}`)
  if (check) {
    for (const path of plan.changes.keys()) console.error(`bench:report: ${relative(root, path)} is behind bench/results/: run npm run bench:report`)
    return plan.changes.size === 0 ? 0 : 1
  }
  for (const [path, text] of plan.changes) {
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, text)
    console.log(`bench:report: wrote ${relative(root, path)}`)
  }
  if (plan.changes.size === 0) console.log('bench:report: docs/BENCHMARKS.md is current')
  return 0
}

main().then((code) => { process.exitCode = code }, (err: Error) => {
  console.error(`bench:report: ${err.message}`)
  process.exitCode = 1
})
