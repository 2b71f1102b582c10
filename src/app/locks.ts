/**
 * Runs `fn` while holding the lock `name`. In browsers this is a Web Lock, so every tab of
 * the profile takes turns (two tabs must never step one ratchet from the same state); where
 * there are no Web Locks (Node tests) a per-process queue gives the same order.
 */
export async function withLock<T> (name: string, fn: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks
  if (locks != null) return locks.request(name, async () => fn())
  const previous = queues.get(name) ?? Promise.resolve()
  const run = previous.then(fn, fn)
  // allow-silent-catch: the queue waits for `run` to settle; its rejection reaches our caller, who gets `run`
  const settled = run.then(() => {}, () => {})
  queues.set(name, settled)
  void settled.then(() => { if (queues.get(name) === settled) queues.delete(name) })
  return run
}

const queues = new Map<string, Promise<void>>()
