import { describe, expect, it } from 'vitest'
import { MemoryDatastore } from 'datastore-core'
import type { Datastore } from 'interface-datastore'
import { TAB_STORE_LIMITS } from '../../src/core/holder/store-limits.ts'
import { HolderDatastore } from '../../src/net/holder-datastore.ts'
import { DHT_RECORD_PREFIX } from '../../src/net/record-sweeper.ts'
import { from, freshPeerId, innerValue, mailbox, presence, stored, strangerMailbox, type DhtEntry } from './support/records.ts'

// Issue 15 item 4, in a tab: presence and prekey records had no quota at all and mailbox
// quotas were per PeerId, which costs nothing. A stranger who makes identities and PeerIds
// for free floods a tab's DHT store (the IndexedDB database `murmur-dht`, beside the
// profile database under one origin quota); the store must stay within TAB_STORE_LIMITS
// (32 MiB in all) and an honest mailbox write must still get in afterwards.

const MIB = 1024 * 1024

async function tryPut (holder: Datastore, entry: DhtEntry, peer?: Awaited<ReturnType<typeof freshPeerId>>): Promise<boolean> {
  const { key, value } = stored(entry)
  try {
    await holder.put(key, value, from(peer ?? await freshPeerId()))
    return true
  } catch (err) {
    if (['HolderQuotaError', 'StaleRecordError'].includes((err as Error).name)) return false
    throw err
  }
}

/** What the inner store really holds under /dht/record: read back, not taken from the ledger. */
async function onDisk (inner: Datastore): Promise<{ records: number, bytes: number }> {
  let records = 0
  let bytes = 0
  for await (const { value } of inner.query({ prefix: DHT_RECORD_PREFIX })) { records++; bytes += value.byteLength }
  return { records, bytes }
}

describe('a tab flooded by strangers with fresh identities and PeerIds', () => {
  it('keeps its DHT store within its limits and still takes an honest mailbox write', async () => {
    const inner = new MemoryDatastore()
    const holder = await HolderDatastore.open(inner)
    const directoryCap = TAB_STORE_LIMITS.directory.count
    const mailboxCap = TAB_STORE_LIMITS.mailbox.count

    // Presence records from a fresh identity and a fresh PeerId each: 10 % past the directory's cap.
    for (let i = 0; i < directoryCap * 1.1; i++) await tryPut(holder, presence())
    // Mailbox records of 8 KiB, each its own slot and PeerId: past both the count and the bytes.
    for (let i = 0; i < mailboxCap * 1.5; i++) await tryPut(holder, strangerMailbox(i, 8 * 1024))

    const held = await onDisk(inner)
    expect(held.records).toBeLessThanOrEqual(directoryCap + mailboxCap)
    expect(held.bytes).toBeLessThanOrEqual(32 * MIB)

    // An honest contact's mail and an honest presence record still get in, and stay readable.
    const honestMail = mailbox(3, 1, 2000, 42)
    expect(await tryPut(holder, honestMail)).toBe(true)
    expect(innerValue(await holder.get(stored(honestMail).key))).toEqual(honestMail.value)
    const honestPresence = presence()
    expect(await tryPut(holder, honestPresence)).toBe(true)
    expect(await holder.has(stored(honestPresence).key)).toBe(true)
  })

  it('takes no more than a source\'s share from one stranger', async () => {
    const holder = await HolderDatastore.open(new MemoryDatastore())
    const flooder = await freshPeerId()
    let taken = 0
    for (let i = 0; i < 100; i++) if (await tryPut(holder, strangerMailbox(i), flooder)) taken++
    expect(taken).toBe(TAB_STORE_LIMITS.mailbox.perSourceCount)
  })
})
