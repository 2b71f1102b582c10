import { Reader, Writer } from '../codec.ts'
import { DecodeError } from '../errors.ts'
import { addMessage, emptyHistory, type GroupHistory } from './causal-order.ts'
import { logMessages } from './delivered-log.ts'
import { DEFAULT_HELD_LIMITS, type HeldLimits } from './held.ts'
import { decodeGroupMessage, encodeGroupMessage, MAX_ENCODED_GROUP_MESSAGE_BYTES } from './message-codec.ts'

// A history in storage: version ‖ count ‖ bytes(message) for each delivered one in delivery
// order ‖ count ‖ (receivedAt ‖ bytes(message)) for each held one, oldest first. Reading it
// back replays every message through addMessage, so a stored history is checked exactly like
// one received from the group (ids, clocks, bounds) and the heads are rebuilt, not trusted.
// Cost: one SHA-256 per message on load.
//
// One blob suits small groups and tests; an app with long histories may store messages one
// by one (encodeGroupMessage) and replay them the same way.

const HISTORY_VERSION = 1
const MESSAGE_LIMITS = { max: MAX_ENCODED_GROUP_MESSAGE_BYTES }

export function encodeGroupHistory (history: GroupHistory): Uint8Array {
  const delivered = logMessages(history.log)
  const w = new Writer().u8(HISTORY_VERSION).uvarint(delivered.length)
  for (const m of delivered) w.bytes(encodeGroupMessage(m))
  w.uvarint(history.held.size)
  for (const { message, receivedAt } of history.held.values()) w.uvarint(receivedAt).bytes(encodeGroupMessage(message))
  return w.finish()
}

/**
 * Throws DecodeError naming the field, or GroupOrderError for a stored message that breaks a
 * rule. Held messages are replayed at their arrival times, so those past their age are dropped.
 */
export function decodeGroupHistory (bytes: Uint8Array, limits: HeldLimits = DEFAULT_HELD_LIMITS): GroupHistory {
  if (!(bytes instanceof Uint8Array)) throw new DecodeError('history', 'is not bytes')
  const r = new Reader(bytes)
  if (r.u8('version') !== HISTORY_VERSION) throw new DecodeError('version', 'unknown group history version')
  // Each message takes more than one byte, so the byte length caps the count.
  const deliveredCount = r.count('delivered', bytes.length)
  let history = emptyHistory()
  for (let i = 0; i < deliveredCount; i++) {
    const out = addMessage(history, decodeGroupMessage(r.bytes('delivered', MESSAGE_LIMITS)), 0, limits)
    if (out.delivered.length !== 1) throw new DecodeError('delivered', 'a message comes before its parents, or twice')
    history = out.history
  }
  const heldCount = r.count('held', limits.maxHeld)
  for (let i = 0; i < heldCount; i++) {
    const receivedAt = r.uvarint('receivedAt')
    const out = addMessage(history, decodeGroupMessage(r.bytes('held', MESSAGE_LIMITS)), receivedAt, limits)
    if (out.delivered.length !== 0) throw new DecodeError('held', 'a held message has all its parents')
    history = out.history
  }
  r.done('history')
  return history
}
