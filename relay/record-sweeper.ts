import { Record as DhtRecord, type Validators } from '@libp2p/kad-dht'
import type { Datastore, Key } from 'interface-datastore'
import type { AbortOptions } from '@libp2p/interface'

/** kad-dht keeps PUT records under `<datastorePrefix>/record/`, the prefix being `/dht`. */
export const DHT_RECORD_PREFIX = '/dht/record'

export interface SweepResult {
  kept: number
  removed: number
}

/**
 * kad-dht never deletes a stored PUT record: it only skips very old ones when asked for
 * them. Presence records expire within a day, so without a sweep the relay's disk would
 * keep one dead record for every identity that ever published. This runs every record
 * back through its namespace's validator and deletes those that fail (expired, or
 * unreadable); records in a namespace without a validator are left alone.
 */
export async function sweepRecords (
  datastore: Datastore,
  validators: Validators,
  options: AbortOptions = {}
): Promise<SweepResult> {
  let kept = 0
  let removed = 0
  // LevelDB iterators read from a snapshot, so deleting as we go is safe.
  const remove = async (key: Key): Promise<void> => { await datastore.delete(key, options); removed++ }
  for await (const { key, value } of datastore.query({ prefix: DHT_RECORD_PREFIX }, options)) {
    let record: DhtRecord
    try {
      record = DhtRecord.deserialize(value)
    } catch {
      await remove(key)
      continue
    }
    const namespace = new TextDecoder().decode(record.key).split('/')[1] ?? ''
    const validate = validators[namespace]
    if (validate == null) {
      kept++
      continue
    }
    try {
      await validate(record.key, record.value, options)
      kept++
    } catch {
      options.signal?.throwIfAborted()
      await remove(key)
    }
  }
  return { kept, removed }
}

/**
 * Sweeps once now (records may have expired while the relay was down), then every
 * `intervalMs` until stopped; never two sweeps at once.
 */
export function startRecordSweeper (
  sweep: (options: AbortOptions) => Promise<SweepResult>,
  intervalMs: number,
  onResult: (result: SweepResult) => void,
  onError: (err: unknown) => void
): { stop: () => void } {
  const controller = new AbortController()
  let running: Promise<void> | undefined
  const run = (): void => {
    if (running != null) return
    running = sweep({ signal: controller.signal })
      .then(onResult, (err) => { if (!controller.signal.aborted) onError(err) })
      .finally(() => { running = undefined })
  }
  const timer = setInterval(run, intervalMs)
  timer.unref()
  run()
  return {
    stop: () => {
      clearInterval(timer)
      controller.abort()
    }
  }
}
