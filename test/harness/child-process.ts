import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'

/**
 * Ends a process the harness started: `signal` (SIGTERM unless told), SIGKILL once `graceMs`
 * have passed, and waits for its exit. Resolves to its exit code (null when a signal ended it).
 */
export async function stopChild (child: ChildProcess, options: { signal?: NodeJS.Signals, graceMs?: number } = {}): Promise<number | null> {
  if (child.exitCode != null || child.signalCode != null) return child.exitCode
  const exited = once(child, 'exit')
  child.kill(options.signal ?? 'SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), options.graceMs ?? 5_000)
  const [code] = await exited as [number | null]
  clearTimeout(timer)
  return code
}
