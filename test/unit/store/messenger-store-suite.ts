import { describe, expect, it, beforeEach, afterEach } from 'vitest'
import type { MessengerStore, StoredMessage } from '../../../src/core/ports/index.ts'

/** The one suite every MessengerStore implementation must pass. */
export function messengerStoreSuite (name: string, create: () => Promise<MessengerStore>): void {
  describe(`MessengerStore: ${name}`, () => {
    let store: MessengerStore
    beforeEach(async () => { store = await create() })
    afterEach(() => { store.close() })

    const message = (over: Partial<StoredMessage>): StoredMessage => ({
      id: 'aa', contactId: 'mmbob', direction: 'out', text: 'hi', sentAt: 1000, state: 'pending', ...over
    })

    it('keeps the profile, keys included, byte for byte', async () => {
      expect(await store.loadProfile()).toBeUndefined()
      const profile = { publicKey: new Uint8Array(32).fill(1), secretKey: new Uint8Array(32).fill(2), name: 'Ann', createdAt: 5, dh: { publicKey: new Uint8Array(32).fill(3), secretKey: new Uint8Array(32).fill(4), signature: new Uint8Array(64).fill(5) } }
      await store.saveProfile(profile)
      const loaded = await store.loadProfile()
      expect(loaded).toEqual(profile)
      expect(loaded?.secretKey).toBeInstanceOf(Uint8Array)
    })

    it('keeps contacts by user id and replaces on put', async () => {
      const bob = { userId: 'mmbob', publicKey: new Uint8Array(32), name: 'Bob', relays: ['/dns4/r/tcp/1/ws'], addedAt: 1 }
      await store.putContact(bob)
      await store.putContact({ ...bob, name: 'Robert' })
      expect(await store.listContacts()).toEqual([{ ...bob, name: 'Robert' }])
      expect(await store.getContact('mmnobody')).toBeUndefined()
    })

    it('returns a conversation in time order, then by id, and only that conversation', async () => {
      await store.addMessage(message({ id: 'c', sentAt: 3 }))
      await store.addMessage(message({ id: 'b', sentAt: 1 }))
      await store.addMessage(message({ id: 'a', sentAt: 3 }))
      await store.addMessage(message({ id: 'z', contactId: 'mmcarol', sentAt: 2 }))
      expect((await store.listMessages('mmbob')).map((m) => m.id)).toEqual(['b', 'a', 'c'])
    })

    it('deletes messages by id, and a contact with its sessions, mailbox writer and whole conversation', async () => {
      const bob = { userId: 'mmbob', publicKey: new Uint8Array(32), name: 'Bob', relays: [], addedAt: 1 }
      await store.putContact(bob)
      await store.putContact({ ...bob, userId: 'mmcarol' })
      await store.addMessage(message({ id: 'a' }))
      await store.addMessage(message({ id: 'b', sentAt: 2 }))
      await store.addMessage(message({ id: 'c', contactId: 'mmcarol' }))
      await store.deleteMessages(['a', 'missing'])
      expect((await store.listMessages('mmbob')).map((m) => m.id)).toEqual(['b'])
      await store.saveMailboxWriter('mmbob', { slots: [] } as never)
      await store.deleteContact('mmbob')
      expect(await store.getContact('mmbob')).toBeUndefined()
      expect(await store.listMessages('mmbob')).toEqual([])
      expect(await store.loadMailboxWriter('mmbob')).toBeUndefined()
      expect(await store.loadSessions('mmbob')).toBeUndefined()
      expect((await store.listMessages('mmcarol')).map((m) => m.id)).toEqual(['c'])
      expect(await store.getContact('mmcarol')).toBeDefined()
    })

    it('folds a duplicate message id and keeps the first copy', async () => {
      expect(await store.addMessage(message({ id: 'x', text: 'first' }))).toBe(true)
      expect(await store.addMessage(message({ id: 'x', text: 'second' }))).toBe(false)
      expect((await store.listMessages('mmbob')).map((m) => m.text)).toEqual(['first'])
    })

    it('moves delivery state forward only', async () => {
      await store.addMessage(message({ id: 'x' }))
      expect((await store.advanceMessage('x', 'delivered'))?.state).toBe('delivered')
      expect((await store.advanceMessage('x', 'sent'))?.state).toBe('delivered')
      expect(await store.advanceMessage('missing', 'sent')).toBeUndefined()
    })

    it('lists outgoing messages of one contact without a receipt, oldest first', async () => {
      await store.addMessage(message({ id: '2', sentAt: 2 }))
      await store.addMessage(message({ id: '1', sentAt: 1 }))
      await store.addMessage(message({ id: '3', sentAt: 3, state: 'sent' }))
      await store.addMessage(message({ id: '0', sentAt: 0, state: 'delivered' }))
      await store.addMessage(message({ id: '4', sentAt: 4, direction: 'in' }))
      await store.addMessage(message({ id: '5', sentAt: 5, contactId: 'mmcarol' }))
      expect((await store.undeliveredMessages('mmbob')).map((m) => m.id)).toEqual(['1', '2', '3'])
    })

    it('records holders with "stored", fails only what is undelivered, and requeues a failed message with its retry time', async () => {
      await store.addMessage(message({ id: 'x' }))
      expect(await store.advanceMessage('x', 'stored', 3)).toMatchObject({ state: 'stored', holders: 3 })
      expect(await store.advanceMessage('x', 'stored', 5)).toMatchObject({ state: 'stored', holders: 5 })
      expect((await store.advanceMessage('x', 'sent'))?.state).toBe('stored')
      expect((await store.advanceMessage('x', 'failed'))?.state).toBe('failed')
      expect((await store.undeliveredMessages('mmbob')).map((m) => m.id)).toEqual([])
      const requeued = await store.requeueMessage('x', 77)
      expect(requeued).toMatchObject({ state: 'pending', retriedAt: 77 })
      expect(requeued?.holders).toBeUndefined()
      expect((await store.undeliveredMessages('mmbob')).map((m) => m.id)).toEqual(['x'])
      expect((await store.requeueMessage('x', 99))?.retriedAt).toBe(77) // only a failed message is requeued
      await store.addMessage(message({ id: 'y', state: 'delivered' }))
      expect((await store.advanceMessage('y', 'failed'))?.state).toBe('delivered')
      expect((await store.advanceMessage('y', 'read'))?.state).toBe('read')
      expect(await store.hasMessage('y')).toBe(true)
      expect(await store.hasMessage('nope')).toBe(false)
    })

    it('moves a message on a receipt only when it is ours to that contact', async () => {
      await store.addMessage(message({ id: 'out', state: 'sent' }))
      await store.addMessage(message({ id: 'in', direction: 'in', state: 'delivered' }))
      await store.addMessage(message({ id: 'carol', contactId: 'mmcarol', state: 'stored' }))
      expect(await store.advanceOnReceipt('mmcarol', 'out', 'read')).toBeUndefined()
      expect(await store.advanceOnReceipt('mmbob', 'in', 'read')).toBeUndefined()
      expect(await store.advanceOnReceipt('mmbob', 'carol', 'delivered')).toBeUndefined()
      expect(await store.advanceOnReceipt('mmbob', 'missing', 'delivered')).toBeUndefined()
      expect((await store.advanceOnReceipt('mmbob', 'out', 'read'))?.state).toBe('read')
      expect((await store.advanceOnReceipt('mmbob', 'out', 'delivered'))?.state).toBe('read')
      const states = Object.fromEntries([...await store.listMessages('mmbob'), ...await store.listMessages('mmcarol')].map((m) => [m.id, m.state]))
      expect(states).toEqual({ out: 'read', in: 'delivered', carol: 'stored' })
    })

    it('lists unread incoming messages until they are marked read', async () => {
      await store.addMessage(message({ id: 'in1', direction: 'in', state: 'delivered', sentAt: 2 }))
      await store.addMessage(message({ id: 'in0', direction: 'in', state: 'delivered', sentAt: 1 }))
      await store.addMessage(message({ id: 'out', state: 'delivered' }))
      expect((await store.unreadMessages('mmbob')).map((m) => m.id)).toEqual(['in0', 'in1'])
      await store.advanceMessage('in0', 'read')
      expect((await store.unreadMessages('mmbob')).map((m) => m.id)).toEqual(['in1'])
    })

    it('keeps mailbox writer state per contact and settings, byte for byte', async () => {
      const state = { slots: [{ secretKind: 'pair' as const, epoch: 3, index: 0, seq: 9, createdAt: 1, expiresAt: 2, entries: [{ id: new Uint8Array(16).fill(1), payload: new Uint8Array([5, 6]), deadline: 2 }], published: true, holders: 4 }] }
      expect(await store.loadMailboxWriter('mmbob')).toBeUndefined()
      await store.saveMailboxWriter('mmbob', state)
      expect(await store.loadMailboxWriter('mmbob')).toEqual(state)
      expect(await store.loadMailboxWriter('mmcarol')).toBeUndefined()
      expect(await store.loadSetting('read-receipts')).toBeUndefined()
      await store.saveSetting('read-receipts', false)
      expect(await store.loadSetting('read-receipts')).toBe(false)
    })

    it('keeps prekeys, the replay cache and sessions per contact', async () => {
      expect(await store.loadPrekeys()).toBeUndefined()
      const prekeys = { current: { prekeyId: 3, secretKey: new Uint8Array(32).fill(1), record: new Uint8Array([1, 2]), createdAt: 9 }, retired: [{ prekeyId: 2, secretKey: new Uint8Array(32), retiredAt: 8 }] }
      await store.savePrekeys(prekeys)
      expect(await store.loadPrekeys()).toEqual(prekeys)
      const sessions = { entries: [{ ratchet: new Uint8Array([7]), ad: new Uint8Array([8]), role: 'initiator' as const, pending: { ephemeralPublic: new Uint8Array(32), prekeyId: 3 }, theirDhIdentityKey: new Uint8Array(32), createdAt: 1 }] }
      await store.saveSessions('mmbob', sessions)
      expect(await store.loadSessions('mmbob')).toEqual(sessions)
      expect(await store.loadSessions('mmcarol')).toBeUndefined()
      await store.saveReplayCache(new Uint8Array([4, 2]))
      expect(await store.loadReplayCache()).toEqual(new Uint8Array([4, 2]))
    })

    it('commits a received step whole: sessions, replay cache, contact and message together', async () => {
      const sessions = { entries: [{ ratchet: new Uint8Array([1]), ad: new Uint8Array([2]), role: 'responder' as const, baseKey: '3:ab', theirDhIdentityKey: new Uint8Array(32), createdAt: 1 }] }
      const contact = { userId: 'mmbob', publicKey: new Uint8Array(32), name: 'Bob', relays: [], addedAt: 1 }
      const step = { contactId: 'mmbob', sessions, replayCache: new Uint8Array([9, 9]), contact, messages: [message({ id: 'r1', direction: 'in', state: 'delivered' })] }
      expect((await store.commitReceived(step)).map((m) => m.id)).toEqual(['r1'])
      expect(await store.loadSessions('mmbob')).toEqual(sessions)
      expect(await store.loadReplayCache()).toEqual(new Uint8Array([9, 9]))
      expect(await store.getContact('mmbob')).toEqual(contact)
      expect((await store.listMessages('mmbob')).map((m) => m.id)).toEqual(['r1'])
      // The same message again: the sessions still move on, the message is not added twice.
      const later = { entries: [{ ...sessions.entries[0]!, ratchet: new Uint8Array([5]) }] }
      expect(await store.commitReceived({ contactId: 'mmbob', sessions: later, messages: [message({ id: 'r1', direction: 'in', text: 'changed' })] })).toEqual([])
      expect(await store.loadSessions('mmbob')).toEqual(later)
      expect((await store.listMessages('mmbob')).map((m) => m.text)).toEqual(['hi'])
    })

    it('keeps groups and their messages in (clock, id) order, committed together', async () => {
      const state = { groupId: 'ab'.repeat(16), name: 'Trip', admin: 'a', epoch: 1, secret: new Uint8Array(32).fill(3), members: [{ userId: 'a', name: 'Ann' }] }
      const group = { state, receivers: {}, pendingKeys: [], joinedAt: 5 }
      const row = (id: string, clock: number, text?: string) => ({ id, groupId: state.groupId, author: 'a', clock, encoded: Uint8Array.of(clock), ...(text != null ? { text, sentAt: clock } : { unreadable: 'waiting-key' as const }) })
      await store.commitGroup(group, [row('c'.repeat(64), 2, 'two'), row('b'.repeat(64), 1), row('a'.repeat(64), 2, 'also two')])
      expect(await store.getGroup(state.groupId)).toEqual(group)
      expect((await store.listGroups()).map((g) => g.state.groupId)).toEqual([state.groupId])
      expect((await store.listGroupMessages(state.groupId)).map((m) => m.id[0])).toEqual(['b', 'a', 'c'])
      // A message read later replaces its unread row.
      await store.commitGroup(undefined, [row('b'.repeat(64), 1, 'one')])
      expect((await store.listGroupMessages(state.groupId))[0]).toMatchObject({ text: 'one', encoded: Uint8Array.of(1) })
      expect(await store.listGroupMessages('cd'.repeat(16))).toEqual([])
      expect(await store.getGroup('cd'.repeat(16))).toBeUndefined()
    })

    it('keeps the group control a message carries', async () => {
      const control = Uint8Array.of(1, 4, 9)
      await store.addMessage({ id: 'f'.repeat(32), contactId: 'c1', direction: 'out', text: '', sentAt: 1, state: 'pending', control })
      expect((await store.listMessages('c1'))[0]!.control).toEqual(control)
    })

    it('commits a batch of received messages in one step: the new ones once, in the order given', async () => {
      const sessions = { entries: [{ ratchet: new Uint8Array([1]), ad: new Uint8Array([2]), role: 'responder' as const, theirDhIdentityKey: new Uint8Array(32), createdAt: 1 }] }
      await store.addMessage(message({ id: 'b2', direction: 'in', state: 'delivered', sentAt: 2, text: 'kept' }))
      const batch = ['b1', 'b2', 'b3', 'b1', 'b4'].map((id, i) => message({ id, direction: 'in', state: 'delivered', sentAt: i + 1, text: `${id} from the batch` }))
      const added = await store.commitReceived({ contactId: 'mmbob', sessions, messages: batch })
      expect(added.map((m) => m.id)).toEqual(['b1', 'b3', 'b4'])
      expect((await store.listMessages('mmbob')).map((m) => m.text)).toEqual(['b1 from the batch', 'kept', 'b3 from the batch', 'b4 from the batch'])
      expect(await store.loadSessions('mmbob')).toEqual(sessions)
      // Sessions alone (payloads that were receipts, say): the step is still stored.
      const later = { entries: [{ ...sessions.entries[0]!, ratchet: new Uint8Array([3]) }] }
      expect(await store.commitReceived({ contactId: 'mmbob', sessions: later })).toEqual([])
      expect(await store.loadSessions('mmbob')).toEqual(later)
    })

    it('hands out copies, never live references', async () => {
      await store.addMessage(message({ id: 'x' }))
      const [m] = await store.listMessages('mmbob')
      m!.text = 'changed'
      expect((await store.listMessages('mmbob'))[0]!.text).toBe('hi')
    })
  })
}
