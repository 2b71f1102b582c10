// Node has no IndexedDB: fake-indexeddb stands in here so the adapter runs the shared
// suite in the unit run. Real browser IndexedDB is exercised by the e2e tests, which
// reload and reopen real Chromium profiles.
import 'fake-indexeddb/auto'
import { describe, expect, it, vi } from 'vitest'
import { ProfileVault } from '../../../src/store/vault.ts'
import { openMurmurDatabase } from '../../../src/store/open.ts'
import { messengerStoreSuite } from './messenger-store-suite.ts'

let n = 0
const freshName = (): string => `murmur-test-${n++}`
const CHEAP = { N: 2 ** 10, r: 8, p: 1 }

messengerStoreSuite('IndexedDB, sealed', async () => (await ProfileVault.open(freshName())).create())

/** Every byte IndexedDB holds for a profile, as one buffer to search. */
async function everyStoredByte (name: string): Promise<Uint8Array> {
  const db = await openMurmurDatabase(name)
  const chunks: Uint8Array[] = []
  const collect = (value: unknown): void => {
    if (value instanceof Uint8Array) chunks.push(value)
    else if (typeof value === 'string') chunks.push(new TextEncoder().encode(value))
    else if (typeof value === 'object' && value != null) Object.values(value).forEach(collect)
  }
  for (const store of ['keys', 'kv', 'contacts', 'sessions', 'messages'] as const) {
    for (const value of await db.getAll(store)) collect(value)
    for (const key of await db.getAllKeys(store)) collect(key)
  }
  db.close()
  const out = new Uint8Array(chunks.reduce((sum, c) => sum + c.length, 0))
  let at = 0
  for (const c of chunks) { out.set(c, at); at += c.length }
  return out
}

function contains (haystack: Uint8Array, text: string): boolean {
  const needle = new TextEncoder().encode(text)
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer
    return true
  }
  return false
}

describe('the sealed IndexedDB store at rest', () => {
  it('holds no message text, contact name, contact id or secret key in readable form', async () => {
    const name = freshName()
    const store = await (await ProfileVault.open(name)).create()
    const secretKey = new Uint8Array(32).fill(7)
    await store.saveProfile({ publicKey: new Uint8Array(32).fill(1), secretKey, name: 'Annabel', createdAt: 1, dh: { publicKey: new Uint8Array(32), secretKey: new Uint8Array(32).fill(9), signature: new Uint8Array(64) } })
    await store.putContact({ userId: 'mmcontactidentifier', publicKey: new Uint8Array(32), name: 'Bartholomew', relays: [], addedAt: 1 })
    await store.addMessage({ id: 'm1', contactId: 'mmcontactidentifier', direction: 'out', text: 'meet me at the old mill', sentAt: 5, state: 'pending' })
    store.close()
    const bytes = await everyStoredByte(name)
    expect(contains(bytes, 'old mill')).toBe(false)
    expect(contains(bytes, 'Bartholomew')).toBe(false)
    expect(contains(bytes, 'Annabel')).toBe(false)
    expect(contains(bytes, 'mmcontactidentifier')).toBe(false)
    expect(contains(bytes, String.fromCharCode(...secretKey))).toBe(false)
    // The search itself works: the readable message id is found.
    expect(contains(bytes, 'm1')).toBe(true)
  })

  it('with a passphrase, opens only with it; a wrong one is refused and changes nothing', async () => {
    const name = freshName()
    const vault = await ProfileVault.open(name)
    const store = await vault.create()
    await store.addMessage({ id: 'm1', contactId: 'mmbob', direction: 'in', text: 'kept', sentAt: 1, state: 'delivered' })
    await vault.setPassphrase('correct horse battery', { cost: CHEAP })
    store.close()

    const reopened = await ProfileVault.open(name)
    expect(reopened.status).toBe('locked')
    expect(reopened.hasPassphrase).toBe(true)
    await expect(reopened.unlock('wrong passphrase', {})).rejects.toMatchObject({ name: 'WrongPassphraseError' })
    await expect(reopened.unlock(undefined)).rejects.toMatchObject({ name: 'WrongPassphraseError' })
    expect(reopened.status).toBe('locked')
    const unlocked = await reopened.unlock('correct horse battery')
    expect((await unlocked.listMessages('mmbob')).map((m) => m.text)).toEqual(['kept'])
    unlocked.close()
  })

  it('refuses a short passphrase and keeps the old protection', async () => {
    const name = freshName()
    const vault = await ProfileVault.open(name)
    const store = await vault.create()
    await expect(vault.setPassphrase('short', { cost: CHEAP })).rejects.toMatchObject({ name: 'KeyRecordError' })
    expect(vault.hasPassphrase).toBe(false)
    store.close()
    const again = await ProfileVault.open(name)
    await again.unlock()
  })

  it('a sealed record moved to another record does not open', async () => {
    const name = freshName()
    const store = await (await ProfileVault.open(name)).create()
    await store.addMessage({ id: 'a', contactId: 'mmbob', direction: 'in', text: 'one', sentAt: 1, state: 'delivered' })
    await store.addMessage({ id: 'b', contactId: 'mmbob', direction: 'in', text: 'two', sentAt: 2, state: 'delivered' })
    const db = await openMurmurDatabase(name)
    const a = await db.get('messages', 'a')
    const b = await db.get('messages', 'b')
    await db.put('messages', { ...b!, sealed: a!.sealed })
    db.close()
    await expect(store.listMessages('mmbob')).rejects.toMatchObject({ name: 'StorageCorruptError' })
    store.close()
  })

  it('a received batch whose transaction fails midway leaves sessions, replay cache, contact and messages as they were', async () => {
    const store = await (await ProfileVault.open(freshName())).create()
    const entry = { ratchet: new Uint8Array([1]), ad: new Uint8Array([2]), role: 'responder' as const, theirDhIdentityKey: new Uint8Array(32), createdAt: 1 }
    await store.commitReceived({ contactId: 'mmbob', sessions: { entries: [entry] }, replayCache: new Uint8Array([1]), messages: [{ id: 'm0', contactId: 'mmbob', direction: 'in', text: 'before', sentAt: 1, state: 'delivered' }] })
    const batch = [2, 3, 4].map((n) => ({ id: `m${n}`, contactId: 'mmbob', direction: 'in' as const, text: `batch ${n}`, sentAt: n, state: 'delivered' as const }))
    // IndexedDB cannot be made to fail a write on demand, so the second message add of the
    // batch throws as a full disk or a closing database would: after the session, replay
    // cache, contact and first message writes were issued in the same transaction.
    const realAdd = IDBObjectStore.prototype.add
    let adds = 0
    const failing = vi.spyOn(IDBObjectStore.prototype, 'add').mockImplementation(function (this: IDBObjectStore, ...args) {
      if (this.name === 'messages' && ++adds === 2) throw new DOMException('The disk is full.', 'QuotaExceededError')
      return realAdd.apply(this, args)
    })
    try {
      await expect(store.commitReceived({
        contactId: 'mmbob',
        sessions: { entries: [{ ...entry, ratchet: new Uint8Array([9]) }] },
        replayCache: new Uint8Array([9]),
        contact: { userId: 'mmbob', publicKey: new Uint8Array(32), name: 'Bob', relays: [], addedAt: 1 },
        messages: batch
      })).rejects.toMatchObject({ name: 'QuotaExceededError' })
    } finally {
      failing.mockRestore()
    }
    expect(adds).toBe(2)
    expect(await store.loadSessions('mmbob')).toEqual({ entries: [entry] })
    expect(await store.loadReplayCache()).toEqual(new Uint8Array([1]))
    expect(await store.getContact('mmbob')).toBeUndefined()
    expect((await store.listMessages('mmbob')).map((m) => m.text)).toEqual(['before'])
    // The same batch again, when the disk has room: all of it, once.
    expect((await store.commitReceived({ contactId: 'mmbob', sessions: { entries: [entry] }, messages: batch })).map((m) => m.id)).toEqual(['m2', 'm3', 'm4'])
    expect((await store.listMessages('mmbob')).map((m) => m.text)).toEqual(['before', 'batch 2', 'batch 3', 'batch 4'])
    store.close()
  })
})
