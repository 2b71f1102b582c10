import { fromString, toString } from 'uint8arrays'
import { Reader, Writer } from '../codec.ts'
import { DecodeError } from '../errors.ts'
import { compareRenderOrder, getDelivered, type GroupHistory } from './causal-order.ts'
import { logMessages } from './delivered-log.ts'
import { GroupOrderError } from './errors.ts'
import { GROUP_MESSAGE_ID_BYTES, type GroupMessage } from './group-message.ts'
import { GROUP_ID_BYTES } from './group-state.ts'

// Catching up with another member (`/murmur/sync/1.0.0`): we send the heads of our history;
// they answer with every message they have that is not one of those heads or an ancestor of
// them, oldest first in render order, so each answer can be added as it comes (parents
// before children). Heads name a whole history in a few ids: no version vectors, no ranges.

/** Heads one request names; a history with more sends those with the highest (clock, id). */
export const MAX_SYNC_HEADS = 64
/** Messages in one answer; whoever is further behind asks again. */
export const MAX_SYNC_MESSAGES = 500
const VERSION = 1

export interface SyncRequest {
  readonly groupId: string
  readonly heads: readonly string[]
}

export function encodeSyncRequest (req: SyncRequest): Uint8Array {
  if (!/^[0-9a-f]{32}$/.test(req.groupId)) throw new GroupOrderError('malformed', { field: 'groupId' })
  if (req.heads.length > MAX_SYNC_HEADS) throw new GroupOrderError('malformed', { field: 'heads' })
  const w = new Writer().u8(VERSION).bytes(fromString(req.groupId, 'hex')).uvarint(req.heads.length)
  for (const id of req.heads) w.bytes(fromString(id, 'hex'))
  return w.finish()
}

export function decodeSyncRequest (bytes: Uint8Array): SyncRequest {
  try {
    const r = new Reader(bytes)
    if (r.u8('version') !== VERSION) throw new DecodeError('version', 'unknown sync version')
    const groupId = toString(r.bytes('groupId', { max: GROUP_ID_BYTES, exact: GROUP_ID_BYTES }), 'hex')
    const count = r.count('heads', MAX_SYNC_HEADS)
    const heads = Array.from({ length: count }, () => toString(r.bytes('heads', { max: GROUP_MESSAGE_ID_BYTES, exact: GROUP_MESSAGE_ID_BYTES }), 'hex'))
    r.done('request')
    return { groupId, heads }
  } catch (err) {
    if (err instanceof DecodeError) throw new GroupOrderError('malformed', { field: err.field, cause: err })
    throw err
  }
}

/** The heads to name in a request: all of them, or the MAX_SYNC_HEADS latest. */
export function syncHeads (history: GroupHistory): string[] {
  if (history.heads.length <= MAX_SYNC_HEADS) return [...history.heads]
  return history.heads.map((id) => getDelivered(history, id)!).sort(compareRenderOrder).slice(-MAX_SYNC_HEADS).map((m) => m.id)
}

/**
 * What a member who has `theirHeads` lacks from our history, in render order, at most
 * `limit`. Heads we do not know are skipped (they are theirs alone). O(n) in our history.
 */
export function messagesAfter (history: GroupHistory, theirHeads: readonly string[], limit = MAX_SYNC_MESSAGES): GroupMessage[] {
  const theyHave = new Set<string>()
  const stack = theirHeads.filter((id) => getDelivered(history, id) !== undefined)
  while (stack.length > 0) {
    const id = stack.pop()!
    if (theyHave.has(id)) continue
    theyHave.add(id)
    for (const parent of getDelivered(history, id)!.parents) {
      if (!theyHave.has(parent) && getDelivered(history, parent) !== undefined) stack.push(parent)
    }
  }
  return logMessages(history.log).filter((m) => !theyHave.has(m.id)).sort(compareRenderOrder).slice(0, limit)
}
