import { Record as DhtRecord, type Validators } from '@libp2p/kad-dht'
import type { Datastore, Key } from 'interface-datastore'
import type { AbortOptions, ComponentLogger, Logger, Startable } from '@libp2p/interface'

/** kad-dht keeps PUT records under `<datastorePrefix>/record/`, the prefix being `/dht`. */
export const DHT_RECORD_PREFIX = '/dht/record'

/**
 * kad-dht's GET_VALUE handler serves a record only for 48 hours after it was received, and
 * deletes an older one when asked for it (PROVIDERS_VALIDITY in
 * @libp2p/kad-dht/dist/src/rpc/handlers/get-value.js; the constant is not exported).
 */
export const DHT_RECORD_MAX_AGE_MS = 48 * 60 * 60 * 1000

export interface SweepResult {
  kept: number
  removed: number
}

export interface SweepOptions extends AbortOptions {
  now?: number
}

/**
 * kad-dht never deletes a stored PUT record by itself: it only drops a stale one when a peer
 * asks for it. Presence records expire within a day and mailbox records within 21 days, so
 * without a sweep a holder's storage (a relay's disk, a tab's IndexedDB) would keep every dead
 * record, and mailbox quotas would stay charged for them. This runs every record back through
 * its namespace's validator and deletes those that fail (expired, or unreadable), and those
 * kad-dht would no longer serve (received more than 48 hours ago). Records in a namespace
 * without a validator are left alone. Deleting goes through `datastore.delete`, so a holder
 * datastore releases the quota of what it drops.
 */
export async function sweepRecords (
  datastore: Datastore,
  validators: Validators,
  options: SweepOptions = {}
): Promise<SweepResult> {
  const now = options.now ?? Date.now()
  let kept = 0
  let removed = 0
  // LevelDB and IndexedDB iterators read from a snapshot, so deleting as we go is safe.
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
    // The same test as kad-dht's GET handler: no receive time counts as too old.
    if (record.timeReceived == null || now - record.timeReceived.getTime() > DHT_RECORD_MAX_AGE_MS) {
      await remove(key)
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
 * Sweeps once now (records may have expired while the holder was down), then every
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
  // In Node, the timer alone must not keep the process alive; browsers have no such thing.
  ;(timer as { unref?: () => void }).unref?.()
  run()
  return {
    stop: () => {
      clearInterval(timer)
      controller.abort()
    }
  }
}

export interface RecordSweeperInit {
  validators: Validators
  intervalMs: number
}

export interface RecordSweeperComponents {
  datastore: Datastore
  logger: ComponentLogger
}

/**
 * The sweep as a libp2p service, for tabs: it starts and stops with the node and sweeps the
 * node's own datastore (the holder datastore, so what it drops releases mailbox quota).
 */
export class RecordSweeper implements Startable {
  readonly [Symbol.toStringTag] = 'murmur:record-sweeper'
  private readonly log: Logger
  private running: { stop: () => void } | undefined

  constructor (private readonly components: RecordSweeperComponents, private readonly init: RecordSweeperInit) {
    this.log = components.logger.forComponent('murmur:record-sweeper')
  }

  start (): void {
    this.running ??= startRecordSweeper(
      async (options) => sweepRecords(this.components.datastore, this.init.validators, options),
      this.init.intervalMs,
      ({ kept, removed }) => { this.log('DHT records: removed %d expired or stale, kept %d', removed, kept) },
      (err) => { this.log.error('DHT record sweep failed - %e', err) }
    )
  }

  stop (): void {
    this.running?.stop()
    this.running = undefined
  }
}

export function recordSweeper (init: RecordSweeperInit): (components: RecordSweeperComponents) => RecordSweeper {
  return (components) => new RecordSweeper(components, init)
}
