import type { GroupMessage } from './group-message.ts'
import { HELD_MAX_AGE_MS, MAX_HELD, MAX_HELD_BYTES } from './limits.ts'

// Messages waiting for parents that have not arrived. Parents may never arrive (lost, or
// named by a forger), so what is held is bounded in count, in bytes and in age: memory stays
// bounded and nothing waits forever. A dropped message is simply not known any more; the
// app may fetch it again (by sync) once its parents are in.

export interface HeldMessage {
  readonly message: GroupMessage
  readonly receivedAt: number
  readonly bytes: number
}

export interface HeldLimits {
  readonly maxHeld: number
  readonly maxHeldBytes: number
  readonly heldMaxAgeMs: number
}

export const DEFAULT_HELD_LIMITS: HeldLimits = { maxHeld: MAX_HELD, maxHeldBytes: MAX_HELD_BYTES, heldMaxAgeMs: HELD_MAX_AGE_MS }

export type DropReason =
  | 'held-limit' // the oldest held message, dropped to stay within maxHeld
  | 'held-bytes' // the oldest held message, dropped to stay within maxHeldBytes
  | 'expired' // held for heldMaxAgeMs without its parents arriving
  | 'invalid-clock' // its parents arrived and its clock does not fit after them (or descends from such a message)

export interface DroppedMessage {
  readonly id: string
  readonly reason: DropReason
}

/**
 * A working copy of the held set that one step edits in place before freezing it into the
 * next history. Map order is arrival order, so the first entry is the oldest.
 */
export class HeldDraft {
  readonly held: Map<string, HeldMessage>
  bytes: number
  readonly dropped: DroppedMessage[] = []

  constructor (held: ReadonlyMap<string, HeldMessage>, bytes: number) {
    this.held = new Map(held)
    this.bytes = bytes
  }

  add (entry: HeldMessage): void {
    this.held.set(entry.message.id, entry)
    this.bytes += entry.bytes
  }

  remove (id: string): HeldMessage | undefined {
    const entry = this.held.get(id)
    if (entry === undefined) return undefined
    this.held.delete(id)
    this.bytes -= entry.bytes
    return entry
  }

  drop (id: string, reason: DropReason): void {
    if (this.remove(id) !== undefined) this.dropped.push({ id, reason })
  }

  /** Drops `id` and every held message that descends from it: none of them can ever be delivered. */
  dropWithDescendants (id: string, reason: DropReason, children: ReadonlyMap<string, readonly string[]>): void {
    const stack = [id]
    while (stack.length > 0) {
      const next = stack.pop()!
      if (!this.held.has(next)) continue
      this.drop(next, reason)
      stack.push(...(children.get(next) ?? []))
    }
  }

  /** Oldest first, until both bounds hold again. */
  enforceLimits (limits: HeldLimits): void {
    for (const id of this.held.keys()) {
      if (this.held.size <= limits.maxHeld && this.bytes <= limits.maxHeldBytes) return
      this.drop(id, this.held.size > limits.maxHeld ? 'held-limit' : 'held-bytes')
    }
  }

  /** A clock that went back (receivedAt in the future) ages nothing. */
  dropExpired (now: number, limits: HeldLimits): void {
    for (const [id, entry] of this.held) {
      if (now - entry.receivedAt >= limits.heldMaxAgeMs) this.drop(id, 'expired')
    }
  }
}

/** Held ids by the parent id they wait on (held parents included). O(held * MAX_PARENTS). */
export function childrenIndex (held: ReadonlyMap<string, HeldMessage>): Map<string, string[]> {
  const index = new Map<string, string[]>()
  for (const { message } of held.values()) {
    for (const parent of message.parents) {
      const list = index.get(parent)
      if (list === undefined) index.set(parent, [message.id])
      else list.push(message.id)
    }
  }
  return index
}

/** Whether any held message names `id` as a parent. O(held * MAX_PARENTS), allocating nothing. */
export function waitsOn (held: ReadonlyMap<string, HeldMessage>, id: string): boolean {
  for (const { message } of held.values()) if (message.parents.includes(id)) return true
  return false
}
