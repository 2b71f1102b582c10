// Shared by the scale benchmarks (relay-load, churn, dht): the relay process, its metrics,
// the machine's load, and the results file. Every benchmark runs inside the loopback-only
// namespace that scripts/bench-scale.mjs makes.
import '../../test/harness/node-shims.ts'
import { execSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'

export { startRelayProcess, type RelayProcess } from '../../test/harness/relay-process.ts'
export { summarize, percentile, round } from '../stats.ts'

/** Every sample of the relay's /metrics, by name. */
export async function relayMetrics (url: string): Promise<Record<string, number>> {
  const text = await (await fetch(new URL('/metrics', url), { signal: AbortSignal.timeout(10_000) })).text()
  const out: Record<string, number> = {}
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+) (\d+(?:\.\d+)?)$/.exec(line)
    if (match != null) out[match[1]!] = Number(match[2])
  }
  return out
}

export function machine (): Record<string, unknown> {
  let commit = 'unknown'
  try { commit = execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim() } catch {}
  return { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, commit }
}

/** The 1-minute load average: the machine is shared, so every figure carries it. */
export const load1 = (): number => Math.round(loadavg()[0]! * 100) / 100

export const MiB = 2 ** 20
export const mib = (bytes: number): number => Math.round((bytes / MiB) * 10) / 10

export function writeResults (name: string, results: unknown): string {
  const dir = join('bench', 'results')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${name}.json`)
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n')
  return file
}

/** `--name value` or `--name=value` from argv, as a number; the fallback when absent. */
export function numberFlag (argv: readonly string[], name: string, fallback: number): number {
  const at = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`))
  if (at === -1) return fallback
  const raw = argv[at]!.includes('=') ? argv[at]!.split('=')[1] : argv[at + 1]
  const value = Number(raw)
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number, got "${raw}"`)
  return value
}

/** Children must not outlive a benchmark that ends early (an exception, a signal). */
export function killOnExit (child: { kill: (signal?: NodeJS.Signals) => boolean }): void {
  process.once('exit', () => { child.kill('SIGKILL') })
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => { process.exit(130) })

export const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }
