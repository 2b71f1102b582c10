import { randomBytes, type RandomSource } from '../../crypto/index.ts'
import { MAILBOX_RETENTION_MS } from './record.ts'

// When the outbox acts. Durability is the sender's job (docs/ARCHITECTURE.md, "Offline mailboxes"): it
// retries the direct path with backoff, keeps its mailbox records alive on the DHT until a
// receipt comes, and gives up only after the retention period. Pure: the shell keeps the
// timers and passes the time in.

export const DIRECT_RETRY_MIN_MS = 1000
export const DIRECT_RETRY_MAX_MS = 5 * 60 * 1000
/**
 * js kad-dht drops a record on GET once it has been held 48 h since its PUT, and never
 * republishes; republishing daily keeps every copy young with a day to spare, and also
 * reaches the nodes that have since become the closest to the slot key.
 */
export const REPUBLISH_INTERVAL_MS = 24 * 60 * 60 * 1000
/**
 * A record that fewer peers than this took is PUT again soon (thinRepublishDue): the relay
 * and two tabs. A write made while the network re-forms (tabs still finding a relay that
 * just restarted) or while a WebRTC dial to a holder timed out under load reaches the relay
 * alone, and one copy is one lost disk away from losing the messages.
 */
export const WANTED_HOLDERS = 3
/** The first thin republish waits this long (the leader's poll runs every 30 s); each next one twice as long. */
export const THIN_REPUBLISH_MS = 30_000
/** Then it stops: a small network may never offer WANTED_HOLDERS peers, and the daily republish goes on. */
export const THIN_REPUBLISHES_MAX = 5

/** The shortest retention a user may choose (the anchors keep offline messages 14-21 days). */
export const MAILBOX_MIN_RETENTION_MS = 14 * 24 * 60 * 60 * 1000

/** A uniform fraction in [0, 1) from four random bytes. */
function fraction (random: RandomSource): number {
  const b = random(4)
  if (!(b instanceof Uint8Array) || b.length < 4) throw new TypeError('random source returned fewer than 4 bytes')
  return (b[0]! * 2 ** 24 + b[1]! * 2 ** 16 + b[2]! * 2 ** 8 + b[3]!) / 2 ** 32
}

/**
 * When to try the direct path again after `attempts` failed tries: the ceiling doubles from
 * 1 s up to 5 min, and the delay is drawn from its upper half, so retries of many messages
 * (or many tabs after one network change) spread out, while below the cap each wait is at
 * least as long as the longest possible previous one; at the cap waits vary in [2.5, 5] min.
 */
export function nextAttempt (entry: { attempts: number }, now: number = Date.now(), random: RandomSource = randomBytes): number {
  if (!Number.isSafeInteger(entry.attempts) || entry.attempts < 0) throw new RangeError(`attempts must be a non-negative integer, got ${entry.attempts}`)
  if (!Number.isSafeInteger(now)) throw new RangeError(`now must be an integer, got ${now}`)
  // Capping the exponent first keeps 2 ** attempts finite for any count.
  const ceiling = Math.min(DIRECT_RETRY_MAX_MS, DIRECT_RETRY_MIN_MS * 2 ** Math.min(entry.attempts, 30))
  return now + Math.round(ceiling / 2 + fraction(random) * ceiling / 2)
}

/**
 * Whether the writer should sign its record again (seq + 1, createdAt = now) and PUT it to the
 * slot's closest nodes: once a day (see REPUBLISH_INTERVAL_MS), or sooner when less than a
 * third of the record's life is left. A tombstone is put once: holders drop it and whatever it
 * replaced within 48 h anyway. An expired record is past saving: its messages have failed.
 */
export function republishDue (record: { createdAt: number, expiresAt: number, entries: readonly unknown[] }, now: number = Date.now()): boolean {
  if (record.entries.length === 0 || now >= record.expiresAt) return false
  if (now - record.createdAt >= REPUBLISH_INTERVAL_MS) return true
  return (record.expiresAt - now) * 3 < record.expiresAt - record.createdAt
}

function assertRetention (retentionMs: number): void {
  if (!Number.isSafeInteger(retentionMs) || retentionMs < MAILBOX_MIN_RETENTION_MS || retentionMs > MAILBOX_RETENTION_MS) {
    throw new RangeError(`retention must be from ${MAILBOX_MIN_RETENTION_MS} to ${MAILBOX_RETENTION_MS} ms, got ${retentionMs}`)
  }
}

/**
 * When a message queued at `queuedAt` stops being deliverable: what its mailbox record's
 * expiresAt should be (the latest of its entries' deadlines, for a record of several).
 */
export function deliveryDeadline (message: { queuedAt: number }, retentionMs: number = MAILBOX_RETENTION_MS): number {
  assertRetention(retentionMs)
  return message.queuedAt + retentionMs
}

/** A message no receipt came for within the retention: the user is told it was not delivered. */
export function isFailed (message: { queuedAt: number }, now: number = Date.now(), retentionMs: number = MAILBOX_RETENTION_MS): boolean {
  return now >= deliveryDeadline(message, retentionMs)
}

/**
 * Whether a published record that too few holders took should be PUT again now: after
 * THIN_REPUBLISH_MS, doubling with each such republish, at most THIN_REPUBLISHES_MAX times
 * (about 15 minutes in all). A tombstone is never retried: holders drop it within 48 h anyway.
 */
export function thinRepublishDue (slot: { published: boolean, holders: number, thinRepublishes?: number, createdAt: number, expiresAt: number, entries: readonly unknown[] }, now: number = Date.now()): boolean {
  if (!slot.published || slot.entries.length === 0 || now >= slot.expiresAt || slot.holders >= WANTED_HOLDERS) return false
  const done = slot.thinRepublishes ?? 0
  return done < THIN_REPUBLISHES_MAX && now - slot.createdAt >= THIN_REPUBLISH_MS * 2 ** done
}
