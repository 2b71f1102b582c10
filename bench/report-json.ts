// Reading a results file whose shape changed over time: every accessor answers undefined
// for a field an older run did not write, instead of throwing halfway through a report.
import { percentile } from './stats.ts'
import type { Value } from './report-figures.ts'

/**
 * Four significant digits, and one decimal at most from 100 up: a history keeps what the
 * figure can tell (0.01406 ms for WebCrypto AES-GCM) without the float noise.
 */
export function tidy (x: number): number {
  return Math.abs(x) >= 100 ? Math.round(x * 10) / 10 : Number(x.toPrecision(4))
}

export function at (value: unknown, ...path: Array<string | number>): unknown {
  let here = value
  for (const key of path) {
    if (here == null || typeof here !== 'object') return undefined
    here = (here as Record<string | number, unknown>)[key]
  }
  return here
}

export function num (value: unknown, ...path: Array<string | number>): number | undefined {
  const x = at(value, ...path)
  return typeof x === 'number' && Number.isFinite(x) ? x : undefined
}

export function str (value: unknown, ...path: Array<string | number>): string | undefined {
  const x = at(value, ...path)
  return typeof x === 'string' ? x : undefined
}

export function list (value: unknown, ...path: Array<string | number>): unknown[] {
  const x = at(value, ...path)
  return Array.isArray(x) ? x : []
}

/**
 * A summary's percentile: absent when the run has no such summary, null when it has one
 * of no samples (the part ran and saw nothing).
 */
export function stat (summary: unknown, key: 'p50' | 'p95' | 'max' | 'min' = 'p50'): number | null | undefined {
  if (summary == null || typeof summary !== 'object') return undefined
  const x = num(summary, key)
  return x == null ? null : tidy(x)
}

/** Nearest-rank percentile of raw samples, as bench/stats.ts computes it; null for none. */
export function pct (samples: readonly number[], p: number): number | null {
  return samples.length === 0 ? null : tidy(percentile([...samples].sort((a, b) => a - b), p))
}

/** The first and last 1-minute load averages given, without the ones that are missing. */
export function loadOf (...readings: Array<number | undefined>): number[] | undefined {
  const known = readings.filter((x): x is number => x != null)
  return known.length === 0 ? undefined : known
}

/** A figures object without the figures this run does not have (undefined). */
export function figuresOf (entries: Record<string, Value | undefined>): Record<string, Value> {
  const out: Record<string, Value> = {}
  for (const [id, value] of Object.entries(entries)) if (value !== undefined) out[id] = value
  return out
}

export const shortCommit = (commit: string | undefined): string | undefined =>
  commit == null || commit === '' || commit === 'unknown' ? undefined : commit.slice(0, 7)
