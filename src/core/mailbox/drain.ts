import { equals, toString } from 'uint8arrays'
import { InvalidRecordError } from '../errors.ts'
import { decodeMailboxRecord, type MailboxEntry, type MailboxRecord } from './record.ts'

/**
 * The messages a reader takes from one slot, given every value the holders returned for it
 * (the GET responses of the k closest nodes). Holders disagree: one missed the last rewrite,
 * another holds a tombstone, a third returns garbage. So this takes the union of the entries
 * of every valid record, each message id once, rather than trusting one pick: a writer only
 * drops an entry after a receipt (or when it failed), so an entry missing from the newest
 * version was delivered already, and one more copy of it is folded by the message store's id
 * check. Where two versions carry the same id, the higher seq's payload wins (the writer may
 * have sealed the message again). Invalid values are skipped, never thrown.
 */
export function drainSlot (key: Uint8Array, values: Uint8Array[], now: number = Date.now()): MailboxEntry[] {
  const records: MailboxRecord[] = []
  for (const value of values) {
    try {
      const record = decodeMailboxRecord(value, now)
      if (key instanceof Uint8Array && equals(key, record.slotKey)) records.push(record)
    } catch (err) {
      if (!(err instanceof InvalidRecordError)) throw err
    }
  }
  // Array.prototype.sort is stable: equal seqs keep the holders' order.
  records.sort((a, b) => b.seq - a.seq)
  const seen = new Set<string>()
  const out: MailboxEntry[] = []
  for (const record of records) {
    for (const entry of record.entries) {
      const id = toString(entry.id, 'hex')
      if (seen.has(id)) continue
      seen.add(id)
      out.push(entry)
    }
  }
  return out
}
