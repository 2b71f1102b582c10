import { describe, expect, it, beforeEach, afterEach } from 'vitest'
import type { MessengerStore, StoredMessage } from '../../../src/app/store-port.ts'

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
      const profile = { publicKey: new Uint8Array(32).fill(1), secretKey: new Uint8Array(32).fill(2), name: 'Ann', createdAt: 5 }
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

    it('hands out copies, never live references', async () => {
      await store.addMessage(message({ id: 'x' }))
      const [m] = await store.listMessages('mmbob')
      m!.text = 'changed'
      expect((await store.listMessages('mmbob'))[0]!.text).toBe('hi')
    })
  })
}
