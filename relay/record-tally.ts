import { Record as DhtRecord } from '@libp2p/kad-dht'
import type { Datastore } from 'interface-datastore'
import { DHT_RECORD_PREFIX } from '../src/net/record-sweeper.ts'

/** DHT keys of mailbox records start with this (src/core/mailbox/slots.ts). */
const MAILBOX_KEY_PREFIX = '/murmur-mailbox/'
const MAILBOX_KEY_BYTES = new TextEncoder().encode(MAILBOX_KEY_PREFIX)

export interface RecordTally {
  /** DHT records kept in the datastore. */
  records: number
  /** Mailbox records among them, and the sum of their value sizes in bytes. */
  mailboxRecords: number
  mailboxBytes: number
}

function isMailboxKey (key: Uint8Array): boolean {
  if (key.length < MAILBOX_KEY_BYTES.length) return false
  for (let i = 0; i < MAILBOX_KEY_BYTES.length; i++) if (key[i] !== MAILBOX_KEY_BYTES[i]) return false
  return true
}

/** One pass over the relay's stored DHT records. A record that does not decode counts, but not as mail. */
export async function tallyRecords (datastore: Datastore): Promise<RecordTally> {
  const tally: RecordTally = { records: 0, mailboxRecords: 0, mailboxBytes: 0 }
  for await (const { value } of datastore.query({ prefix: DHT_RECORD_PREFIX })) {
    tally.records++
    let record: DhtRecord
    try {
      record = DhtRecord.deserialize(value)
    } catch {
      continue
    }
    if (!isMailboxKey(record.key)) continue
    tally.mailboxRecords++
    tally.mailboxBytes += record.value.byteLength
  }
  return tally
}

/**
 * The tally walks every record, so it is not done per scrape: a scrape shares the pass
 * started within the last `maxAgeMs`, and a burst of scrapes (or a scraper gone wild)
 * costs at most one pass per period. Records change only through PUTs and the hourly
 * sweep, so a few seconds of staleness tells an operator nothing false.
 */
export function createRecordTally (
  datastore: Datastore,
  maxAgeMs: number,
  now: () => number = Date.now
): () => Promise<RecordTally> {
  let last: { at: number, tally: Promise<RecordTally> } | undefined
  return async () => {
    if (last == null || now() - last.at > maxAgeMs) {
      const pass = { at: now(), tally: tallyRecords(datastore) }
      last = pass
      pass.tally.catch(() => { if (last === pass) last = undefined })
    }
    return last.tally
  }
}
