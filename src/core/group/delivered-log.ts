import type { GroupMessage } from './group-message.ts'

// The delivered messages in the order they were delivered, as an immutable value that costs
// O(1) to extend. Histories only grow, so versions share one array and one id index: a version
// is a prefix (`size`) of them. Appending to the newest version writes past every older
// version's prefix, where they never look; appending to an older version (a caller that kept
// one, e.g. after a refused message) copies its prefix first. Without this every addMessage
// would copy the whole history to stay immutable: O(n) per message, O(n^2) for a catch-up.

interface Shared {
  readonly messages: GroupMessage[]
  readonly positions: Map<string, number>
}

export interface DeliveredLog {
  /** Shared with other versions; read only below `size`. */
  readonly shared: Shared
  readonly size: number
}

export function emptyLog (): DeliveredLog {
  return { shared: { messages: [], positions: new Map() }, size: 0 }
}

export function logGet (log: DeliveredLog, id: string): GroupMessage | undefined {
  const at = log.shared.positions.get(id)
  return at !== undefined && at < log.size ? log.shared.messages[at] : undefined
}

export const logHas = (log: DeliveredLog, id: string): boolean => logGet(log, id) !== undefined

/** The delivered messages in delivery order (a copy the caller may keep). */
export function logMessages (log: DeliveredLog): GroupMessage[] {
  return log.shared.messages.slice(0, log.size)
}

/** A new version with `added` after this one's messages; `log` itself is unchanged. O(added), or O(size) once to fork. */
export function logAppend (log: DeliveredLog, added: readonly GroupMessage[]): DeliveredLog {
  if (added.length === 0) return log
  let shared = log.shared
  if (shared.messages.length !== log.size) {
    const messages = logMessages(log)
    shared = { messages, positions: new Map(messages.map((m, i) => [m.id, i])) }
  }
  for (const m of added) {
    shared.positions.set(m.id, shared.messages.length)
    shared.messages.push(m)
  }
  return { shared, size: shared.messages.length }
}
