import { describe, expect, it } from 'vitest'
import { MemoryDatastore } from 'datastore-core'
import { createIdentity } from '../../src/core/identity.ts'
import { decodePresence } from '../../src/core/presence.ts'
import { decodeMailboxRecord } from '../../src/core/mailbox/record.ts'
import { decodePrekeyBundle } from '../../src/core/x3dh/prekey.ts'
import { HolderDatastore } from '../../src/net/holder-datastore.ts'
import { DAY, from, freshPeerId, innerValue, mailbox, prekey, presence, stored, type DhtEntry } from './support/records.ts'

// Issue 15 item 5: a PUT of an older valid record must not replace a newer one on a holder.
// kad-dht's PUT_VALUE handler validates a record and stores it, last writer wins: the
// selector that prefers the newest version runs only when someone reads. Anyone who once
// saw a record (it is public) could PUT it again later and roll every holder back: an old
// presence (stale addresses), an old prekey bundle (a signed prekey the owner has rotated
// away from), an old mailbox version (messages the writer had deleted come back).

async function putRemote (holder: HolderDatastore, entry: DhtEntry): Promise<'stored' | string> {
  const { key, value } = stored(entry)
  try {
    await holder.put(key, value, from(await freshPeerId()))
    return 'stored'
  } catch (err) {
    return (err as Error).name
  }
}

async function heldValue (holder: HolderDatastore, entry: DhtEntry): Promise<Uint8Array> {
  return innerValue(await holder.get(stored(entry).key))
}

describe('a holder never goes back to an older version of a record', () => {
  it('presence: a replayed lower seq is refused and the newer record stays', async () => {
    const holder = await HolderDatastore.open(new MemoryDatastore())
    const alice = createIdentity()
    const [older, newer] = [presence(1, alice), presence(2, alice)]
    expect(await putRemote(holder, newer)).toBe('stored')
    expect(await putRemote(holder, older)).toBe('StaleRecordError')
    expect(decodePresence(await heldValue(holder, older)).seq).toBe(2)
    // The same version again, or a newer one, is fine.
    expect(await putRemote(holder, newer)).toBe('stored')
    expect(await putRemote(holder, presence(3, alice))).toBe('stored')
  })

  it('prekey bundles: an older signed prekey cannot come back', async () => {
    const holder = await HolderDatastore.open(new MemoryDatastore())
    const bob = createIdentity()
    const [older, newer] = [prekey(bob, 3 * DAY, 1), prekey(bob, 1 * DAY, 2)]
    expect(await putRemote(holder, newer)).toBe('stored')
    expect(await putRemote(holder, older)).toBe('StaleRecordError')
    expect(decodePrekeyBundle(await heldValue(holder, older)).prekeyId).toBe(2)
  })

  it('mailboxes: a tombstone or a later version is not undone by replaying an earlier one', async () => {
    const holder = await HolderDatastore.open(new MemoryDatastore())
    const [first, second] = [mailbox(0, 5), mailbox(0, 6)]
    expect(await putRemote(holder, second)).toBe('stored')
    expect(await putRemote(holder, first)).toBe('StaleRecordError')
    expect(decodeMailboxRecord(await heldValue(holder, first)).seq).toBe(6)
  })

  it('our own put of an older version is refused too, and leaves the newer one', async () => {
    const holder = await HolderDatastore.open(new MemoryDatastore())
    const carol = createIdentity()
    const newer = stored(presence(9, carol))
    const older = stored(presence(8, carol))
    await holder.put(newer.key, newer.value, from(await freshPeerId()))
    await expect(holder.put(older.key, older.value)).rejects.toMatchObject({ name: 'StaleRecordError' })
    expect(decodePresence(innerValue(await holder.get(newer.key))).seq).toBe(9)
  })

  it('two PUTs of one key at once: the newer one wins whatever the order they finish in', async () => {
    const holder = await HolderDatastore.open(new MemoryDatastore())
    const dave = createIdentity()
    const versions = [4, 2, 7, 1, 3].map((seq) => presence(seq, dave))
    await Promise.all(versions.map(async (v) => putRemote(holder, v)))
    expect(decodePresence(await heldValue(holder, versions[0]!)).seq).toBe(7)
  })
})
