import { describe, expect, it } from 'vitest'
import { currentOf, formatValue, isMet, type FigureSpec, type RunEntry } from '../../../bench/report-figures.ts'
import { entryOf, formatHistory, withRun } from '../../../bench/report-history.ts'
import { renderSuite } from '../../../bench/report-page.ts'
import { planReport } from '../../../bench/report-plan.ts'
import { PWA_PUSH_DRAIN } from '../../../bench/report-suites-app.ts'

const run = (date: string, figures: RunEntry['figures'], extra: Partial<RunEntry> = {}): RunEntry =>
  ({ date, from: 'test', figures, ...extra })

const sendP50: FigureSpec = { id: 'send', label: 'send to render, p50', unit: 'ms', aim: { op: '<=', value: 10, issue: 17 } }

describe('the benchmark report', () => {
  it('is current: every results file is in its history and docs/BENCHMARKS.md is what they give', async () => {
    const plan = await planReport('.')
    expect(plan.recorded).toEqual([])
    expect([...plan.changes.keys()]).toEqual([])
  })

  it('shows the latest results file\'s run, falls back per figure, and lets a failed measurement stand', () => {
    const runs = [
      run('2026-12-01T10:00:00Z', { send: 12, memory: 140 }),
      run('2026-12-02T10:00:00Z', { send: 9, groupForms: 'did not form (member 9 never saw the group)' }),
      // A later run of other code (a before-and-after session) is history, not the current figure.
      run('2026-12-03T10:00:00Z', { send: 30 })
    ]
    expect(currentOf(runs, 'send', '2026-12-02T10:00:00Z')).toEqual({ value: 9, run: runs[1] })
    expect(currentOf(runs, 'memory', '2026-12-02T10:00:00Z')).toEqual({ value: 140, run: runs[0] })
    expect(currentOf(runs, 'send').value).toBe(30)
    expect(currentOf(runs, 'groupForms', '2026-12-02T10:00:00Z').value).toMatch(/did not form/)
    expect(currentOf(runs, 'never').value).toBeUndefined()
  })

  it('judges each figure against its aim', () => {
    expect(isMet(sendP50, 10)).toBe(true)
    expect(isMet(sendP50, 10.1)).toBe(false)
    expect(isMet({ ...sendP50, aim: { op: '<', value: 10, issue: 2 } }, 10)).toBe(false)
    expect(isMet(sendP50, 'did not form')).toBe(false)
    expect(isMet(sendP50, null)).toBeNull()
    expect(isMet(sendP50, undefined)).toBeNull()
    expect(isMet({ ...sendP50, aim: undefined }, 3)).toBeNull()
    const share: FigureSpec = { id: 'push', label: 'within 1 s', unit: '', aim: { op: '>=', value: 0.95, issue: 17 } }
    expect(isMet(share, [19, 20])).toBe(true)
    expect(isMet(share, [6, 12])).toBe(false)
    const yes: FigureSpec = { id: 'lazy', label: 'lazy', unit: '', aim: { value: true, issue: 2 } }
    expect(isMet(yes, true)).toBe(true)
    expect(isMet(yes, false)).toBe(false)
  })

  it('writes figures in the unit a person reads', () => {
    expect(formatValue(39.24, 'ms')).toBe('39.2 ms')
    expect(formatValue(0.01406, 'ms')).toBe('0.014 ms')
    expect(formatValue(2131.9, 'ms')).toBe('2.13 s')
    expect(formatValue(3600, 's')).toBe('60 min')
    expect(formatValue([6, 12], '')).toBe('6 of 12')
    expect(formatValue(undefined, 'ms')).toBe('not measured')
    expect(formatValue(null, 'ms')).toBe('not recorded')
  })

  it('renders a row per figure with its aim, verdict, run and load', () => {
    const spec = { suite: 's', title: 'Suite', run: '`npm run bench`', figures: [sendP50], record: () => ({ date: '', figures: {} }) }
    const page = renderSuite(spec, [run('2026-12-03T16:20:55.782Z', { send: 39.2 }, { commit: 'abc1234', load: [0.13, 6.24] })])
    expect(page.split('\n').at(-1)).toBe('| send to render, p50 | 39.2 ms | ≤ 10 ms (issue 17) | no | 2026-12-03 16:20, abc1234 | 0.1 → 6.2 |')
  })

  it('records a run once, in date order, whatever order the runs come in', () => {
    let history = { suite: 's', runs: [run('2026-12-02T00:00:00Z', {})] }
    history = withRun(history, run('2026-12-01T00:00:00Z', { a: 1 })).history
    const again = withRun(history, run('2026-12-01T00:00:00Z', { a: 2 }))
    expect(again.added).toBe(false)
    expect(again.history.runs.map((r) => r.date)).toEqual(['2026-12-01T00:00:00Z', '2026-12-02T00:00:00Z'])
    // The file keeps short arrays on one line and reads back as the same data.
    const text = formatHistory(again.history)
    expect(text).toContain('"date": "2026-12-01T00:00:00Z"')
    expect(JSON.parse(text)).toEqual(again.history)
    const inline = formatHistory({ suite: 's', runs: [run('2026-12-01', { x: [6, 12] }, { load: [1.5, 2] })] })
    expect(inline).toContain('"load": [1.5, 2]')
    expect(inline).toContain('"x": [6, 12]')
  })

  it('reads a results file of an older shape, and refuses one that does not say when it ran', () => {
    const old = { date: '2026-11-25T09:41:39.050Z', commit: '2c25207', loadavg: [20.4, 13.37, 10.15], pollFirst: 0, samples: [{ drainedMs: 500, shownMs: 400 }, { drainedMs: 700, shownMs: 1500 }] }
    expect(entryOf(PWA_PUSH_DRAIN, old).figures).toMatchObject({ shownWithin1s: [1, 2], leftOut: 0, shownP50Ms: 400 })
    expect(() => entryOf(PWA_PUSH_DRAIN, { samples: [] })).toThrow(/no valid "date"/)
  })
})
