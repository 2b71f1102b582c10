import { compareMessages, isAdvance, type MessageState, type MessengerStore, type StoredMessage } from '../app/store-port.ts'
import type { MurmurDatabase } from './open.ts'

// A message a person sent or received must survive a crash right after we say so.
const STRICT = { durability: 'strict' } as const

/** The messenger's storage port on IndexedDB. */
export function createIdbMessengerStore (db: MurmurDatabase): MessengerStore {
  return {
    loadProfile: async () => db.get('profile', 'self'),
    saveProfile: async (profile) => {
      const tx = db.transaction('profile', 'readwrite', STRICT)
      await Promise.all([tx.store.put(profile, 'self'), tx.done])
    },
    listContacts: async () => db.getAll('contacts'),
    getContact: async (userId) => db.get('contacts', userId),
    putContact: async (contact) => {
      const tx = db.transaction('contacts', 'readwrite', STRICT)
      await Promise.all([tx.store.put(contact), tx.done])
    },
    listMessages: async (contactId) => {
      const range = IDBKeyRange.bound([contactId, -Infinity], [contactId, Infinity])
      const list = await db.getAllFromIndex('messages', 'by-conversation', range)
      return list.sort(compareMessages)
    },
    addMessage: async (message) => {
      const tx = db.transaction('messages', 'readwrite', STRICT)
      const existing = await tx.store.get(message.id)
      if (existing == null) await tx.store.add(message)
      await tx.done
      return existing == null
    },
    advanceMessage: async (id: string, state: MessageState) => {
      const tx = db.transaction('messages', 'readwrite', STRICT)
      const message = await tx.store.get(id)
      let result: StoredMessage | undefined = message
      if (message != null && isAdvance(message.state, state)) {
        result = { ...message, state }
        await tx.store.put(result)
      }
      await tx.done
      return result
    },
    undeliveredMessages: async (contactId) => {
      const tx = db.transaction('messages')
      const index = tx.store.index('by-state')
      const [pending, sent] = await Promise.all([
        index.getAll([contactId, 'pending']),
        index.getAll([contactId, 'sent'])
      ])
      await tx.done
      return [...pending, ...sent].filter((m) => m.direction === 'out').sort(compareMessages)
    },
    close: () => { db.close() }
  }
}
