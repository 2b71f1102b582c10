import { createComponentLogger, type ComponentLogger, type LogEntry } from './logger.ts'
import type { EventSink, MurmurEventMap, MurmurEventName, RecordedEvent } from './events.ts'

/** Entries kept for the diagnostics view: enough to see what led up to a problem. */
export const LOG_ENTRIES_KEPT = 500
/** Events kept per name: the benchmarks read a run's worth, nothing grows for ever. */
export const EVENTS_KEPT_PER_NAME = 2_000

export interface DiagnosticsInit {
  /** Also hand each line here (to print it while debugging); nothing prints by default. */
  echo?: (entry: LogEntry) => void
  now?: () => number
  clock?: () => number
}

/**
 * One tab's diagnostics: the loggers every component writes to and the typed events every
 * service emits, both kept in bounded memory (never stored, never sent). The composition
 * root (src/app/boot.ts) makes one and hands it to each service; the diagnostics view and
 * the benchmarks read it.
 */
export class Diagnostics implements ComponentLogger, EventSink {
  private readonly lines: LogEntry[] = []
  private readonly recorded = new Map<MurmurEventName, RecordedEvent[]>()
  private readonly listeners = new Set<(event: RecordedEvent) => void>()
  private readonly logger: ComponentLogger
  private readonly clock: () => number

  constructor (init: DiagnosticsInit = {}) {
    this.clock = init.clock ?? (() => performance.now())
    this.logger = createComponentLogger((entry) => {
      this.lines.push(entry)
      if (this.lines.length > LOG_ENTRIES_KEPT) this.lines.shift()
      init.echo?.(entry)
    }, init.now)
  }

  forComponent (component: string): ReturnType<ComponentLogger['forComponent']> {
    return this.logger.forComponent(component)
  }

  emit<K extends MurmurEventName> (name: K, detail: MurmurEventMap[K]): void {
    const event: RecordedEvent<K> = { name, detail, at: this.clock() }
    let list = this.recorded.get(name)
    if (list == null) this.recorded.set(name, list = [])
    list.push(event)
    if (list.length > EVENTS_KEPT_PER_NAME) list.shift()
    for (const listener of this.listeners) listener(event)
  }

  /** The log, oldest first. */
  entries (): readonly LogEntry[] {
    return [...this.lines]
  }

  /** What happened of one kind, oldest first. */
  events<K extends MurmurEventName> (name: K): Array<RecordedEvent<K>> {
    return [...(this.recorded.get(name) ?? [])] as Array<RecordedEvent<K>>
  }

  /** Hears every event from now on; returns how to stop. */
  listen (listener: (event: RecordedEvent) => void): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }
}
