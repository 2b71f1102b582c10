/** Summary of one set of timings, in the unit they were taken in (ms throughout the bench). */
export interface Summary {
  n: number
  min: number
  p50: number
  p95: number
  max: number
  mean: number
}

/**
 * Nearest-rank percentile (the smallest sample with at least p% of the samples at or below
 * it): it always returns a value that was measured, never an interpolation.
 */
export function percentile (sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of no samples')
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!
}

export function summarize (samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b)
  return {
    n: sorted.length,
    min: sorted[0] ?? NaN,
    p50: sorted.length === 0 ? NaN : percentile(sorted, 50),
    p95: sorted.length === 0 ? NaN : percentile(sorted, 95),
    max: sorted.at(-1) ?? NaN,
    mean: sorted.length === 0 ? NaN : sorted.reduce((s, x) => s + x, 0) / sorted.length
  }
}

/** Rounds for display and for the JSON file: timings below 10 ms keep two decimals. */
export function round (ms: number): number {
  if (!Number.isFinite(ms)) return ms
  return Math.abs(ms) < 10 ? Math.round(ms * 100) / 100 : Math.round(ms * 10) / 10
}

/**
 * Theil–Sen slope of the samples against their order (units per sample): the median of
 * the slopes between every pair of samples, so a few outliers on a noisy machine do not
 * tilt it. For send-to-render this is what each message already in the conversation adds.
 */
export function slope (samples: readonly number[]): number {
  const slopes: number[] = []
  for (let i = 0; i < samples.length; i++) {
    for (let j = i + 1; j < samples.length; j++) slopes.push((samples[j]! - samples[i]!) / (j - i))
  }
  if (slopes.length === 0) return NaN
  slopes.sort((a, b) => a - b)
  const mid = slopes.length / 2
  return Number.isInteger(mid) ? (slopes[mid - 1]! + slopes[mid]!) / 2 : slopes[Math.floor(mid)]!
}
