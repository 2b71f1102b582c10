import { emptyLog, logAppend, logGet, logMessages, type DeliveredLog } from './delivered-log.ts'
import { GroupOrderError } from './errors.ts'
import { assertGroupMessage, heldMessageBytes, type GroupMessage } from './group-message.ts'
import { childrenIndex, DEFAULT_HELD_LIMITS, HeldDraft, waitsOn, type DroppedMessage, type HeldLimits, type HeldMessage } from './held.ts'
import { MAX_CLOCK_STEP, MAX_PARENTS } from './limits.ts'

// Causal order of a group (docs/ARCHITECTURE.md, Groups): a message is shown once every parent is shown,
// and all members show the same order whatever order the network delivered in.
//
// The invariant that makes this simple: every delivered message's clock is greater than each
// of its parents' (checked on arrival, or when a parent arrives later). So sorting by
// (clock, id) is itself a topological order, and it is the one Kahn's algorithm gives when it
// always takes the least (clock, id) ready message: the least remaining message is always
// ready, as its parents have smaller clocks. The order is a function of the delivered set.

export interface GroupHistory {
  /** Delivered messages, in delivery order (not render order). */
  readonly log: DeliveredLog
  /** Every head (delivered, named by no delivered message), sorted by id. */
  readonly heads: readonly string[]
  /** Messages waiting for parents, oldest first. */
  readonly held: ReadonlyMap<string, HeldMessage>
  readonly heldBytes: number
}

export interface AddResult {
  readonly history: GroupHistory
  /** Newly delivered messages (this one and those it unblocked), in render order. */
  readonly delivered: GroupMessage[]
  /** Parents of this message that are neither delivered nor held: ask members for them. */
  readonly missing: string[]
  /** Held messages given up on in this step. */
  readonly dropped: DroppedMessage[]
}

export function emptyHistory (): GroupHistory {
  return { log: emptyLog(), heads: [], held: new Map(), heldBytes: 0 }
}

/** Render order: clock, then id (hex, so byte order). */
export function compareRenderOrder (a: GroupMessage, b: GroupMessage): number {
  if (a.clock !== b.clock) return a.clock - b.clock
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

const known = (h: { log: DeliveredLog, held: ReadonlyMap<string, HeldMessage> }, id: string): GroupMessage | undefined =>
  logGet(h.log, id) ?? h.held.get(id)?.message

function assertTime (now: number): void {
  if (!Number.isSafeInteger(now) || now < 0) throw new TypeError(`now must be a time in ms since the epoch, got ${now}`)
}

/** The highest parent clock once every parent is known (0 for none), else undefined. */
function maxParentClock (parents: readonly string[], clockOf: (id: string) => number | undefined): number | undefined {
  let max = 0
  for (const id of parents) {
    const clock = clockOf(id)
    if (clock === undefined) return undefined
    max = Math.max(max, clock)
  }
  return max
}

/** Drops held messages older than heldMaxAgeMs. Returns `history` itself when none is. */
export function pruneHeld (history: GroupHistory, now: number = Date.now(), limits: HeldLimits = DEFAULT_HELD_LIMITS): { history: GroupHistory, dropped: DroppedMessage[] } {
  assertTime(now)
  const draft = new HeldDraft(history.held, history.heldBytes)
  draft.dropExpired(now, limits)
  if (draft.dropped.length === 0) return { history, dropped: [] }
  return { history: { ...history, held: draft.held, heldBytes: draft.bytes }, dropped: draft.dropped }
}

/**
 * Adds a received (or our own) message. Refuses it with GroupOrderError, leaving `history` as
 * it was, when it is malformed or contradicts a parent we know; ignores it when we have it
 * already. Expired held messages are pruned first. Cost: O(parents + heads + held * MAX_PARENTS)
 * (the held set is copied and scanned; it is at most maxHeld), plus O(k log k) for k messages
 * delivered at once. The delivered history is never copied (see delivered-log.ts).
 */
export function addMessage (
  history: GroupHistory,
  message: GroupMessage,
  now: number = Date.now(),
  limits: HeldLimits = DEFAULT_HELD_LIMITS
): AddResult {
  assertTime(now)
  assertGroupMessage(message)
  const pruned = pruneHeld(history, now, limits)
  const start = pruned.history
  if (known(start, message.id) !== undefined) return { history: start, delivered: [], missing: [], dropped: pruned.dropped }

  // Checks against the parents we know; the rest happen when they arrive (see below).
  for (const id of message.parents) {
    const parent = known(start, id)
    if (parent !== undefined && message.clock <= parent.clock) throw new GroupOrderError('clock-not-after-parent', { field: 'clock' })
  }
  const maxKnown = maxParentClock(message.parents, (id) => known(start, id)?.clock)
  if (maxKnown !== undefined && message.clock > maxKnown + MAX_CLOCK_STEP) throw new GroupOrderError('clock-jump', { field: 'clock' })

  const draft = new HeldDraft(start.held, start.heldBytes)
  draft.dropped.push(...pruned.dropped)
  // The index costs allocations per held message; most arrivals unblock nothing, so look first.
  const children = waitsOn(draft.held, message.id) ? childrenIndex(draft.held) : new Map<string, string[]>()
  // Held messages that named this one as a parent, with a clock that cannot follow it, can
  // never be delivered; the same holds for whatever descends from them.
  for (const id of children.get(message.id) ?? []) {
    const child = draft.held.get(id)
    if (child !== undefined && child.message.clock <= message.clock) draft.dropWithDescendants(id, 'invalid-clock', children)
  }

  const deliveredNow = new Map<string, GroupMessage>()
  const isDelivered = (id: string): boolean => deliveredNow.has(id) || logGet(start.log, id) !== undefined
  const clockOf = (id: string): number | undefined => (deliveredNow.get(id) ?? logGet(start.log, id))?.clock

  let missing: string[] = []
  if (message.parents.every(isDelivered)) {
    deliveredNow.set(message.id, message)
    // Every held message this one unblocks, transitively (each is checked once all its
    // parents are in, as it could not be on arrival).
    const queue = [message.id]
    for (let next = 0; next < queue.length; next++) {
      for (const id of children.get(queue[next]!) ?? []) {
        const child = draft.held.get(id)?.message
        if (child === undefined || !child.parents.every(isDelivered)) continue
        if (child.clock > maxParentClock(child.parents, clockOf)! + MAX_CLOCK_STEP) {
          draft.dropWithDescendants(id, 'invalid-clock', children)
          continue
        }
        draft.remove(id)
        deliveredNow.set(id, child)
        queue.push(id)
      }
    }
  } else {
    draft.add({ message, receivedAt: now, bytes: heldMessageBytes(message) })
    draft.enforceLimits(limits)
    // Asking for the parents of a message we could not keep would fetch them for nothing.
    if (draft.held.has(message.id)) missing = message.parents.filter((id) => known({ log: start.log, held: draft.held }, id) === undefined)
  }

  const delivered = [...deliveredNow.values()]
  return {
    history: {
      log: logAppend(start.log, delivered),
      heads: nextHeads(start.heads, delivered),
      held: draft.held,
      heldBytes: draft.bytes
    },
    delivered: delivered.sort(compareRenderOrder),
    missing,
    dropped: draft.dropped
  }
}

// `delivered` is in delivery order, so each message comes after its parents.
function nextHeads (heads: readonly string[], delivered: readonly GroupMessage[]): readonly string[] {
  if (delivered.length === 0) return heads
  const next = new Set(heads)
  for (const m of delivered) {
    for (const parent of m.parents) next.delete(parent)
    next.add(m.id)
  }
  return [...next].sort()
}

/** The delivered messages in render order. O(n log n) per call; see compareRenderOrder to keep a view incrementally. */
export function renderOrder (history: GroupHistory): GroupMessage[] {
  return logMessages(history.log).sort(compareRenderOrder)
}

/**
 * The parents for our next message, sorted by id. When there are more than MAX_PARENTS heads
 * we name the MAX_PARENTS with the highest (clock, id): the highest clock is always among them,
 * so nextClock still follows every head, and the heads left out stay heads until a message
 * (ours or another member's) names them.
 */
export function heads (history: GroupHistory): string[] {
  if (history.heads.length <= MAX_PARENTS) return [...history.heads]
  return history.heads.map((id) => logGet(history.log, id)!)
    .sort(compareRenderOrder)
    .slice(-MAX_PARENTS)
    .map((m) => m.id)
    .sort()
}

/** The clock for our next message: 1 + the highest clock of any head (1 for an empty history). */
export function nextClock (history: GroupHistory): number {
  let max = 0
  for (const id of history.heads) max = Math.max(max, logGet(history.log, id)!.clock)
  return max + 1
}

/** A delivered message by id, e.g. to answer a sync request; undefined when not delivered. */
export function getDelivered (history: GroupHistory, id: string): GroupMessage | undefined {
  return logGet(history.log, id)
}

/** Every id a held message waits for that is neither delivered nor held, sorted: what to ask for. */
export function missingParents (history: GroupHistory): string[] {
  const out = new Set<string>()
  for (const { message } of history.held.values()) {
    for (const id of message.parents) if (known(history, id) === undefined) out.add(id)
  }
  return [...out].sort()
}
