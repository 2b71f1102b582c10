import type { StoredContact, StoredGroup, StoredProfile } from '../core/ports/index.ts'
import type { ContactSessions } from '../core/session/types.ts'
import { encodeUserId } from '../core/user-id.ts'
import { peerIdentityOfAd } from '../core/x3dh/x3dh.ts'
import type { IDBPTransaction } from 'idb'
import type { MurmurDatabase } from './open.ts'
import { createRecordSealer, StorageCorruptError, type RecordSealer } from './record-sealer.ts'
import { blindedRefs, type BlindedRefs } from './refs.ts'
import type { MurmurDB, SealedGroupMessageRow, SealedMessageRow } from './schema.ts'
import type { KeyRecord } from './storage-key.ts'

// Replacing the storage key: every record is sealed again under a new key, and every blinded
// reference made again, so a copy of the old key record opens nothing written after (nor
// anything written before, once this is done). Crash-safe by a resumable marker: the
// 'rotation' record (old and new wrappings, and which stores are done) is written first; each
// store is then re-sealed in ONE transaction that also records it as done; the last
// transaction puts the new wrapping in place and removes the marker. A crash anywhere leaves
// every store wholly under one key, the marker saying which, and the next unlock finishes.
// Nobody may write meanwhile: the vault runs this under its exclusive lock.

/** In this order: contacts first (the others need their ids), the key-value store last. */
export const RESEALED_STORES = ['contacts', 'groups', 'messages', 'groupMessages', 'sessions', 'kv'] as const
export type ResealedStore = typeof RESEALED_STORES[number]

export interface RotationMarker {
  /** The wrapping of the key the records were sealed under (still at 'storage'). */
  from: KeyRecord
  /** The wrapping of the key they are being sealed under. */
  to: KeyRecord
  /** Stores re-sealed so far. */
  done: ResealedStore[]
}

const STRICT = { durability: 'strict' } as const

interface Sealers {
  old: RecordSealer
  next: RecordSealer
  oldRefs: BlindedRefs
  nextRefs: BlindedRefs
}

/** Writes the marker: from here on, unlocking finishes the rotation. */
export async function beginRotation (db: MurmurDatabase, from: KeyRecord, to: KeyRecord): Promise<RotationMarker> {
  const marker: RotationMarker = { from, to, done: [] }
  const tx = db.transaction('keys', 'readwrite', STRICT)
  await Promise.all([tx.store.put(marker, 'rotation'), tx.done])
  return marker
}

/**
 * Re-seals every store not yet done, one transaction each, then puts the new wrapping in
 * place. `onStore` (tests) runs before each store's transaction.
 */
export async function finishRotation (
  db: MurmurDatabase,
  marker: RotationMarker,
  keys: { old: Uint8Array, next: Uint8Array },
  onStore?: (store: ResealedStore) => void
): Promise<void> {
  const old = createRecordSealer(keys.old)
  const next = createRecordSealer(keys.next)
  const sealers: Sealers = { old, next, oldRefs: blindedRefs(old), nextRefs: blindedRefs(next) }
  const done = [...marker.done]
  for (const store of RESEALED_STORES) {
    if (done.includes(store)) continue
    onStore?.(store)
    done.push(store)
    await resealStore(db, store, sealers, { ...marker, done: [...done] })
  }
  const tx = db.transaction('keys', 'readwrite', STRICT)
  await Promise.all([tx.store.put(marker.to, 'storage'), tx.store.delete('rotation'), tx.done])
}

/** A record that does not open under the old key was unreadable already: it is kept as it is. */
function reopen<T> (sealer: RecordSealer, store: string, key: string, sealed: Uint8Array): T | undefined {
  try {
    return sealer.open<T>(store, key, sealed)
  } catch (err) {
    if (err instanceof StorageCorruptError) return undefined
    throw err
  }
}

/** One store, and the marker saying it is done, in ONE transaction: all of it or none. */
async function resealStore (db: MurmurDatabase, store: ResealedStore, s: Sealers, marker: RotationMarker): Promise<void> {
  const tx = db.transaction([store, 'keys', 'contacts', 'kv'], 'readwrite', STRICT)
  const writes: Array<Promise<unknown>> = [tx.objectStore('keys').put(marker, 'rotation')]
  try {
    await resealInto(tx, store, s, writes)
    await Promise.all([...writes, tx.done])
  } catch (err) {
    // A request failed or threw: nothing of this store may stay half done (abort throws if
    // the transaction already ended), and the requests issued settle as aborted.
    try { tx.abort() } catch {}
    await Promise.allSettled([...writes, tx.done])
    throw err
  }
}

type RotationTransaction = IDBPTransaction<MurmurDB, Array<ResealedStore | 'keys'>, 'readwrite'>

async function resealInto (tx: RotationTransaction, store: ResealedStore, s: Sealers, writes: Array<Promise<unknown>>): Promise<void> {
  // Contacts are re-sealed first, so every later store reads their ids under the new key.
  const contactSealer = store === 'contacts' ? s.old : s.next
  const contactIds = (await tx.objectStore('contacts').getAll())
    .map((row) => reopen<StoredContact>(contactSealer, 'contacts', row.ref, row.sealed)?.userId)
    .filter((id): id is string => id != null)
  const idOf = (ref: string, refOf: (id: string) => string): string | undefined => contactIds.find((id) => refOf(id) === ref)

  if (store === 'contacts' || store === 'groups' || store === 'sessions') {
    const table = tx.objectStore(store)
    const rows = await table.getAll()
    let profile: StoredProfile | undefined
    if (store === 'sessions') {
      const sealed = await tx.objectStore('kv').get('profile')
      profile = sealed == null ? undefined : reopen<StoredProfile>(s.old, 'kv', 'profile', sealed)
    }
    const resealed = rows.map((row) => {
      const ref = newRef(store, row, s, idOf, profile)
      return ref == null ? row : { ref, sealed: s.next.seal(store, ref, s.old.open(store, row.ref, row.sealed)) }
    })
    writes.push(table.clear(), ...resealed.map(async (row) => table.put(row)))
  } else if (store === 'messages') {
    const table = tx.objectStore('messages')
    for (const row of await table.getAll()) {
      const body = reopen<{ contactId: string }>(s.old, 'messages', row.id, row.sealed)
      if (body == null) continue
      const resealed: SealedMessageRow = { ...row, conv: s.nextRefs.conversation(body.contactId), sealed: s.next.seal('messages', row.id, body) }
      writes.push(table.put(resealed))
    }
  } else if (store === 'groupMessages') {
    const table = tx.objectStore('groupMessages')
    for (const row of await table.getAll()) {
      const body = reopen<{ groupId: string }>(s.old, 'groupMessages', row.id, row.sealed)
      if (body == null) continue
      const resealed: SealedGroupMessageRow = { ...row, conv: s.nextRefs.groupConversation(body.groupId), sealed: s.next.seal('groupMessages', row.id, body) }
      writes.push(table.put(resealed))
    }
  } else {
    const table = tx.objectStore('kv')
    const keys = await table.getAllKeys()
    const values = await table.getAll()
    const resealed: Array<[string, Uint8Array]> = []
    for (const [i, key] of keys.entries()) {
      const value = reopen<unknown>(s.old, 'kv', key, values[i]!)
      // A mailbox writer is filed under its contact's blinded id; one whose contact is gone is of no use.
      const contactId = key.startsWith('mailbox-writer:') ? idOf(key, s.oldRefs.mailboxWriter) : undefined
      if (value === undefined) resealed.push([key, values[i]!])
      else if (!key.startsWith('mailbox-writer:')) resealed.push([key, s.next.seal('kv', key, value)])
      else if (contactId != null) resealed.push([s.nextRefs.mailboxWriter(contactId), s.next.seal('kv', s.nextRefs.mailboxWriter(contactId), value)])
    }
    writes.push(table.clear(), ...resealed.map(async ([key, value]) => table.put(value, key)))
  }
}

/** The new reference of a row keyed by a blinded id; undefined when the row does not open (kept as it is). */
function newRef (
  store: 'contacts' | 'groups' | 'sessions',
  row: { ref: string, sealed: Uint8Array },
  s: Sealers,
  idOf: (ref: string, refOf: (id: string) => string) => string | undefined,
  profile: StoredProfile | undefined
): string | undefined {
  if (store === 'contacts') {
    const contact = reopen<StoredContact>(s.old, 'contacts', row.ref, row.sealed)
    return contact == null ? undefined : s.nextRefs.contact(contact.userId)
  }
  if (store === 'groups') {
    const group = reopen<StoredGroup>(s.old, 'groups', row.ref, row.sealed)
    return group == null ? undefined : s.nextRefs.group(group.state.groupId)
  }
  const sessions = reopen<ContactSessions>(s.old, 'sessions', row.ref, row.sealed)
  if (sessions == null) return undefined
  // Sessions are filed by contact id, which they do not hold: a contact's, or the other
  // side named in a session's associated data (a stranger who wrote no message yet).
  const fromAd = profile == null
    ? undefined
    : sessions.entries.map((e) => peerIdentityOfAd(e.ad, profile.publicKey)).find((k) => k != null)
  const id = idOf(row.ref, s.oldRefs.session) ?? (fromAd == null ? undefined : encodeUserId(fromAd))
  return id != null && s.oldRefs.session(id) === row.ref ? s.nextRefs.session(id) : undefined
}
