// Issue 15, item 12: setting a passphrase only re-wrapped the same storage key, so a copy of
// the old key record (taken before, from a backup or a synced profile) still opened
// everything written after; and removing the passphrase asked for nothing. Now both replace
// the storage key and re-seal every record and reference, crash-safe (a resumable marker,
// one transaction per store), and removal needs the passphrase.
// Before the fix: the old key record opened every record after setPassphrase, and
// removePassphrase('wrong') succeeded (the crash tests need the new two-step API).
import 'fake-indexeddb/auto'
import { describe, expect, it, vi } from 'vitest'
import { concat } from 'uint8arrays'
import { ProfileVault } from '../../../src/store/vault.ts'
import { openMurmurDatabase } from '../../../src/store/open.ts'
import { createRecordSealer } from '../../../src/store/record-sealer.ts'
import { blindedRefs } from '../../../src/store/refs.ts'
import { unwrapStorageKey, type KeyRecord } from '../../../src/store/storage-key.ts'
import { createIdentity } from '../../../src/core/identity.ts'
import { createDhIdentity } from '../../../src/core/x3dh/index.ts'
import { createGroupState } from '../../../src/core/group/index.ts'
import { encodeUserId } from '../../../src/core/user-id.ts'
import type { MessengerStore } from '../../../src/core/ports/index.ts'

const CHEAP = { N: 2 ** 10, r: 8, p: 1 }
const PASS = 'correct horse battery'
let n = 0
const freshName = (): string => `at-rest-${n++}`

const me = createIdentity()
const bob = encodeUserId(createIdentity().publicKey)
const strangerKey = createIdentity().publicKey
const stranger = encodeUserId(strangerKey)
const state = createGroupState('Walkers', { userId: encodeUserId(me.publicKey), name: 'Me' }, [{ userId: bob, name: 'Bob' }])
const entry = (ad: Uint8Array) => ({ ratchet: new Uint8Array([1, 2]), ad, role: 'responder' as const, theirDhIdentityKey: new Uint8Array(32), createdAt: 1 })
// The stranger wrote no message (no contact): their session is found by its associated data.
const strangerAd = concat([new TextEncoder().encode('murmur/x3dh/ad/v1'), strangerKey, me.publicKey, new Uint8Array(64)])

/** A profile holding one of everything the store keeps. */
async function fill (store: MessengerStore): Promise<void> {
  await store.saveProfile({ ...me, name: 'Me', createdAt: 1, dh: { ...createDhIdentity(me), secretKey: new Uint8Array(32).fill(3) } })
  await store.savePrekeys({ current: { prekeyId: 7, secretKey: new Uint8Array(32).fill(4), record: new Uint8Array([7]), createdAt: 1 }, retired: [] })
  await store.saveReplayCache(new Uint8Array([2, 0]))
  await store.putContact({ userId: bob, publicKey: new Uint8Array(32), name: 'Bob', relays: [], addedAt: 1 })
  await store.saveSessions(bob, { entries: [entry(new Uint8Array([9]))] })
  await store.saveSessions(stranger, { entries: [entry(strangerAd)] })
  for (let i = 0; i < 30; i++) await store.addMessage({ id: `m${i}`, contactId: bob, direction: i % 2 === 0 ? 'in' : 'out', text: `message ${i}`, sentAt: i, state: 'delivered' })
  await store.commitGroup({ state, receivers: {}, pendingKeys: [], joinedAt: 1 }, [{ id: 'a'.repeat(64), groupId: state.groupId, author: bob, clock: 1, encoded: new Uint8Array([1]), text: 'hi all', sentAt: 1 }])
  await store.saveMailboxWriter(bob, { slots: [] })
  await store.saveSetting('read-receipts', false)
}

/** Everything a profile's store gives back, to compare before and after. */
async function everything (store: MessengerStore): Promise<unknown> {
  return {
    profile: await store.loadProfile(),
    prekeys: await store.loadPrekeys(),
    replay: await store.loadReplayCache(),
    contacts: await store.listContacts(),
    sessions: [await store.loadSessions(bob), await store.loadSessions(stranger)],
    messages: await store.listMessages(bob),
    groups: await store.listGroups(),
    groupMessages: await store.listGroupMessages(state.groupId),
    writer: await store.loadMailboxWriter(bob),
    setting: await store.loadSetting('read-receipts')
  }
}

/** How many stored values and references the key wrapped by `record` opens or recognises. */
async function opensWith (name: string, record: KeyRecord, passphrase?: string): Promise<number> {
  const sealer = createRecordSealer(await unwrapStorageKey(record, passphrase, {}))
  const refs = blindedRefs(sealer)
  const known = new Set([refs.contact(bob), refs.session(bob), refs.session(stranger), refs.conversation(bob), refs.mailboxWriter(bob), refs.group(state.groupId), refs.groupConversation(state.groupId)])
  const db = await openMurmurDatabase(name)
  let opened = 0
  const tryOpen = (store: string, key: string, sealed: unknown): void => {
    try { sealer.open(store, key, sealed as Uint8Array); opened++ } catch { /* does not open: what we want */ }
  }
  for (const store of ['contacts', 'sessions', 'groups'] as const) {
    for (const row of await db.getAll(store)) { tryOpen(store, row.ref, row.sealed); if (known.has(row.ref)) opened++ }
  }
  for (const store of ['messages', 'groupMessages'] as const) {
    for (const row of await db.getAll(store)) { tryOpen(store, row.id, row.sealed); if (known.has(row.conv)) opened++ }
  }
  for (const key of await db.getAllKeys('kv')) { tryOpen('kv', key, await db.get('kv', key)); if (known.has(key)) opened++ }
  db.close()
  return opened
}

async function profileWithData (): Promise<{ name: string, vault: ProfileVault, store: MessengerStore, before: unknown, oldRecord: KeyRecord }> {
  const name = freshName()
  const vault = await ProfileVault.open(name)
  const store = await vault.create()
  await fill(store)
  const before = await everything(store)
  const db = await openMurmurDatabase(name)
  const oldRecord = await db.get('keys', 'storage') as KeyRecord
  db.close()
  expect(await opensWith(name, oldRecord)).toBeGreaterThan(40)
  return { name, vault, store, before, oldRecord }
}

describe('the profile at rest, when the passphrase changes', () => {
  it('after setting a passphrase, a copy of the old key record opens nothing, and the passphrase opens everything', async () => {
    const { name, vault, store, before, oldRecord } = await profileWithData()
    await vault.setPassphrase(PASS, { cost: CHEAP })
    store.close()
    expect(await opensWith(name, oldRecord)).toBe(0)
    const reopened = await ProfileVault.open(name)
    expect(reopened.status).toBe('locked')
    const unlocked = await reopened.unlock(PASS)
    expect(await everything(unlocked)).toEqual(before)
    unlocked.close()
  })

  it('removing the passphrase needs it; afterwards the passphrase record opens nothing', async () => {
    const { name, vault, store, before } = await profileWithData()
    await vault.setPassphrase(PASS, { cost: CHEAP })
    store.close()
    const db = await openMurmurDatabase(name)
    const passRecord = await db.get('keys', 'storage') as KeyRecord
    db.close()
    await expect(vault.removePassphrase('not the passphrase', {})).rejects.toMatchObject({ name: 'WrongPassphraseError' })
    expect(vault.hasPassphrase).toBe(true)
    expect(await opensWith(name, passRecord, PASS)).toBeGreaterThan(40)
    await vault.removePassphrase(PASS, {})
    expect(await opensWith(name, passRecord, PASS)).toBe(0)
    const reopened = await ProfileVault.open(name)
    expect(reopened.hasPassphrase).toBe(false)
    const unlocked = await reopened.unlock()
    expect(await everything(unlocked)).toEqual(before)
    unlocked.close()
  })

  it('a crash between two stores: the next unlock (with the passphrase) finishes the change', async () => {
    const { name, vault, store, before, oldRecord } = await profileWithData()
    store.close()
    const change = await vault.preparePassphrase(PASS, { cost: CHEAP })
    await expect(vault.applyKeyChange(change, (s) => { if (s === 'sessions') throw new Error('the tab was closed') })).rejects.toThrow('the tab was closed')
    const reopened = await ProfileVault.open(name)
    expect(reopened.status).toBe('locked')
    expect(reopened.hasPassphrase).toBe(true)
    await expect(reopened.unlock('not the passphrase')).rejects.toMatchObject({ name: 'WrongPassphraseError' })
    const unlocked = await reopened.unlock(PASS)
    expect(await everything(unlocked)).toEqual(before)
    unlocked.close()
    expect(await opensWith(name, oldRecord)).toBe(0)
  })

  it('a crash in the middle of a store (after 10 records): that store is wholly under one key, and the next unlock finishes', async () => {
    const { name, vault, store, before, oldRecord } = await profileWithData()
    store.close()
    const change = await vault.preparePassphrase(PASS, { cost: CHEAP })
    const realPut = IDBObjectStore.prototype.put
    let puts = 0
    const failing = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args) {
      if (this.name === 'messages' && ++puts === 11) throw new DOMException('The disk is full.', 'QuotaExceededError')
      return realPut.apply(this, args)
    })
    try {
      await expect(vault.applyKeyChange(change)).rejects.toMatchObject({ name: 'QuotaExceededError' })
    } finally {
      failing.mockRestore()
    }
    expect(puts).toBe(11)
    // The messages store is still wholly under the old key: all 30 open with it.
    const db = await openMurmurDatabase(name)
    const marker = await db.get('keys', 'rotation') as { done: string[] }
    expect(marker.done).toEqual(['contacts', 'groups'])
    const old = createRecordSealer(await unwrapStorageKey(oldRecord, undefined, {}))
    const messages = await db.getAll('messages')
    db.close()
    expect(messages.filter((row) => { try { old.open('messages', row.id, row.sealed); return true } catch { return false } })).toHaveLength(30)
    const unlocked = await (await ProfileVault.open(name)).unlock(PASS)
    expect(await everything(unlocked)).toEqual(before)
    unlocked.close()
    expect(await opensWith(name, oldRecord)).toBe(0)
  })
})
