import type { ChildProcess } from 'node:child_process'

/** Ends a helper process the tests started: SIGTERM, SIGKILL after 5 s, and waits for its exit. */
export async function stopChild (child: ChildProcess): Promise<void> {
  if (child.exitCode != null || child.signalCode != null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
  await exited
  clearTimeout(timer)
}
