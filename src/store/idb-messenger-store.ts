import type { MessageState, MessengerStore, StoredContact, StoredGroup, StoredGroupMessage, StoredMessage, StoredPrekeys, StoredProfile } from '../core/ports/index.ts'
import { compareGroupMessages, compareMessages, isAdvance, UNDELIVERED_STATES } from '../core/message-state.ts'
import type { ContactSessions } from '../core/session/types.ts'
import type { MailboxWriterState } from '../core/mailbox/writer.ts'
import type { MurmurDatabase } from './open.ts'
import type { RecordSealer } from './record-sealer.ts'
import type { SealedGroupMessageRow, SealedMessageRow } from './schema.ts'
import { blindedRefs } from './refs.ts'

// A message a person sent or received must survive a crash right after we say so.
const STRICT = { durability: 'strict' } as const

/** The part of a message that is sealed; the rest stays readable for the indexes. */
type MessageBody = Pick<StoredMessage, 'contactId' | 'text' | 'control'>
type GroupMessageBody = Omit<StoredGroupMessage, 'id' | 'clock'>

/** The messenger's storage port on IndexedDB, every record sealed under the storage key. */
export function createIdbMessengerStore (db: MurmurDatabase, sealer: RecordSealer): MessengerStore {
  const refs = blindedRefs(sealer)
  const conv = refs.conversation
  const contactRef = refs.contact

  const sealMessage = (m: StoredMessage): SealedMessageRow => ({
    id: m.id,
    conv: conv(m.contactId),
    sentAt: m.sentAt,
    state: m.state,
    direction: m.direction,
    ...(m.holders != null ? { holders: m.holders } : {}),
    ...(m.retriedAt != null ? { retriedAt: m.retriedAt } : {}),
    sealed: sealer.seal('messages', m.id, { contactId: m.contactId, text: m.text, ...(m.control != null ? { control: m.control } : {}) } satisfies MessageBody)
  })
  const openMessage = (row: SealedMessageRow): StoredMessage => {
    const body = sealer.open<MessageBody>('messages', row.id, row.sealed)
    const message: StoredMessage = { id: row.id, contactId: body.contactId, text: body.text, sentAt: row.sentAt, state: row.state, direction: row.direction }
    if (row.holders != null) message.holders = row.holders
    if (row.retriedAt != null) message.retriedAt = row.retriedAt
    if (body.control != null) message.control = body.control
    return message
  }
  const groupRef = refs.group
  const sealGroup = (g: StoredGroup): { ref: string, sealed: Uint8Array } => {
    const ref = groupRef(g.state.groupId)
    return { ref, sealed: sealer.seal('groups', ref, g) }
  }
  const openGroup = (row: { ref: string, sealed: Uint8Array }): StoredGroup => sealer.open<StoredGroup>('groups', row.ref, row.sealed)
  const sealGroupMessage = (m: StoredGroupMessage): SealedGroupMessageRow => {
    const { id, clock, ...body } = m
    return { id, conv: refs.groupConversation(m.groupId), clock, sealed: sealer.seal('groupMessages', id, body satisfies GroupMessageBody) }
  }
  const openGroupMessage = (row: SealedGroupMessageRow): StoredGroupMessage =>
    ({ id: row.id, clock: row.clock, ...sealer.open<GroupMessageBody>('groupMessages', row.id, row.sealed) })
  const openContact = (row: { ref: string, sealed: Uint8Array }): StoredContact =>
    sealer.open<StoredContact>('contacts', row.ref, row.sealed)
  const sessionRef = refs.session
  const loadKv = async <T>(key: string): Promise<T | undefined> => {
    const sealed = await db.get('kv', key)
    return sealed == null ? undefined : sealer.open<T>('kv', key, sealed)
  }
  const saveKv = async (key: string, value: unknown): Promise<void> => {
    const tx = db.transaction('kv', 'readwrite', STRICT)
    await Promise.all([tx.store.put(sealer.seal('kv', key, value), key), tx.done])
  }

  return {
    loadProfile: async () => loadKv<StoredProfile>('profile'),
    saveProfile: async (profile) => { await saveKv('profile', profile) },
    loadPrekeys: async () => loadKv<StoredPrekeys>('prekeys'),
    savePrekeys: async (prekeys) => { await saveKv('prekeys', prekeys) },
    loadReplayCache: async () => loadKv<Uint8Array>('replay-cache'),
    saveReplayCache: async (cache) => { await saveKv('replay-cache', cache) },
    loadSessions: async (contactId) => {
      const ref = sessionRef(contactId)
      const row = await db.get('sessions', ref)
      return row == null ? undefined : sealer.open<ContactSessions>('sessions', ref, row.sealed)
    },
    saveSessions: async (contactId, sessions) => {
      const ref = sessionRef(contactId)
      const tx = db.transaction('sessions', 'readwrite', STRICT)
      await Promise.all([tx.store.put({ ref, sealed: sealer.seal('sessions', ref, sessions) }), tx.done])
    },
    commitReceived: async (step) => {
      // Seal everything first (synchronous), then write it all in one strict transaction:
      // a throw before it opens changes nothing, and a failed write aborts all of it.
      const ref = sessionRef(step.contactId)
      const sessionRow = { ref, sealed: sealer.seal('sessions', ref, step.sessions) }
      const replay = step.replayCache == null ? undefined : sealer.seal('kv', 'replay-cache', step.replayCache)
      const contactRow = step.contact == null ? undefined : (() => {
        const cref = contactRef(step.contact.userId)
        return { ref: cref, sealed: sealer.seal('contacts', cref, step.contact) }
      })()
      const messages = step.messages ?? []
      const messageRows = messages.map(sealMessage)
      const tx = db.transaction(['sessions', 'kv', 'contacts', 'messages'], 'readwrite', STRICT)
      const writes: Array<Promise<unknown>> = [tx.objectStore('sessions').put(sessionRow)]
      if (replay != null) writes.push(tx.objectStore('kv').put(replay, 'replay-cache'))
      if (contactRow != null) writes.push(tx.objectStore('contacts').put(contactRow))
      const store = tx.objectStore('messages')
      const added: StoredMessage[] = []
      const seen = new Set<string>()
      try {
        const known = await Promise.all(messageRows.map(async (row) => store.getKey(row.id)))
        for (const [i, row] of messageRows.entries()) {
          if (known[i] != null || seen.has(row.id)) continue
          seen.add(row.id)
          writes.push(store.add(row))
          added.push(messages[i]!)
        }
        await Promise.all([...writes, tx.done])
      } catch (err) {
        // A request failed: make sure nothing of this step stays (abort throws if it already
        // ended), and let the requests already issued settle as aborted.
        try { tx.abort() } catch {}
        await Promise.allSettled([...writes, tx.done])
        throw err
      }
      return added
    },
    listContacts: async () => (await db.getAll('contacts')).map(openContact),
    getContact: async (userId) => {
      const row = await db.get('contacts', contactRef(userId))
      return row == null ? undefined : openContact(row)
    },
    putContact: async (contact) => {
      const ref = contactRef(contact.userId)
      const tx = db.transaction('contacts', 'readwrite', STRICT)
      await Promise.all([tx.store.put({ ref, sealed: sealer.seal('contacts', ref, contact) }), tx.done])
    },
    deleteContact: async (userId) => {
      const c = conv(userId)
      const tx = db.transaction(['contacts', 'sessions', 'kv', 'messages'], 'readwrite', STRICT)
      const keys = await tx.objectStore('messages').index('by-conversation').getAllKeys(IDBKeyRange.bound([c, -Infinity], [c, Infinity]))
      await Promise.all([
        tx.objectStore('contacts').delete(contactRef(userId)),
        tx.objectStore('sessions').delete(sessionRef(userId)),
        tx.objectStore('kv').delete(refs.mailboxWriter(userId)),
        ...keys.map(async (key) => tx.objectStore('messages').delete(key)),
        tx.done
      ])
    },
    deleteMessages: async (ids) => {
      const tx = db.transaction('messages', 'readwrite', STRICT)
      await Promise.all([...ids.map(async (id) => tx.store.delete(id)), tx.done])
    },
    listMessages: async (contactId) => {
      const c = conv(contactId)
      const rows = await db.getAllFromIndex('messages', 'by-conversation', IDBKeyRange.bound([c, -Infinity], [c, Infinity]))
      return rows.map(openMessage).sort(compareMessages)
    },
    addMessage: async (message) => {
      const row = sealMessage(message)
      const tx = db.transaction('messages', 'readwrite', STRICT)
      const existing = await tx.store.getKey(message.id)
      if (existing == null) await tx.store.add(row)
      await tx.done
      return existing == null
    },
    advanceMessage: async (id: string, state: MessageState, holders?: number) => {
      // The state is a readable field, so moving it forward needs no unsealing.
      const tx = db.transaction('messages', 'readwrite', STRICT)
      const row = await tx.store.get(id)
      let result = row
      if (row != null && (isAdvance(row.state, state) || (state === 'stored' && row.state === 'stored'))) {
        result = { ...row, state }
        if (state === 'stored' && holders != null) result.holders = holders
        await tx.store.put(result)
      }
      await tx.done
      return result == null ? undefined : openMessage(result)
    },
    advanceOnReceipt: async (contactId, id, state) => {
      // The conversation is blinded and the direction readable: checked without unsealing.
      const tx = db.transaction('messages', 'readwrite', STRICT)
      const row = await tx.store.get(id)
      if (row == null || row.conv !== conv(contactId) || row.direction !== 'out') {
        await tx.done
        return undefined
      }
      const result = isAdvance(row.state, state) ? { ...row, state } : row
      if (result !== row) await tx.store.put(result)
      await tx.done
      return openMessage(result)
    },
    requeueMessage: async (id, now) => {
      const tx = db.transaction('messages', 'readwrite', STRICT)
      const row = await tx.store.get(id)
      let result = row
      if (row != null && row.state === 'failed') {
        const { holders: _dropped, ...rest } = row
        result = { ...rest, state: 'pending', retriedAt: now }
        await tx.store.put(result)
      }
      await tx.done
      return result == null ? undefined : openMessage(result)
    },
    hasMessage: async (id) => await db.getKey('messages', id) != null,
    undeliveredMessages: async (contactId) => {
      const c = conv(contactId)
      const tx = db.transaction('messages')
      const index = tx.store.index('by-state')
      const rows = await Promise.all(UNDELIVERED_STATES.map(async (state) => index.getAll([c, state])))
      await tx.done
      return rows.flat().filter((m) => m.direction === 'out').map(openMessage).sort(compareMessages)
    },
    unreadMessages: async (contactId) => {
      const rows = await db.getAllFromIndex('messages', 'by-state', [conv(contactId), 'delivered'])
      return rows.filter((m) => m.direction === 'in').map(openMessage).sort(compareMessages)
    },
    loadMailboxWriter: async (contactId) => loadKv<MailboxWriterState>(refs.mailboxWriter(contactId)),
    saveMailboxWriter: async (contactId, state) => { await saveKv(refs.mailboxWriter(contactId), state) },
    listGroups: async () => (await db.getAll('groups')).map(openGroup),
    getGroup: async (groupId) => {
      const row = await db.get('groups', groupRef(groupId))
      return row == null ? undefined : openGroup(row)
    },
    listGroupMessages: async (groupId) => {
      const c = refs.groupConversation(groupId)
      const rows = await db.getAllFromIndex('groupMessages', 'by-group', IDBKeyRange.bound([c, -Infinity], [c, Infinity]))
      return rows.map(openGroupMessage).sort(compareGroupMessages)
    },
    commitGroup: async (group, messages, options) => {
      const groupRow = group == null ? undefined : sealGroup(group)
      const rows = messages.map(sealGroupMessage)
      const tx = db.transaction(['groups', 'groupMessages'], 'readwrite', options?.relaxed === true ? { durability: 'relaxed' } : STRICT)
      const writes: Array<Promise<unknown>> = rows.map(async (row) => tx.objectStore('groupMessages').put(row))
      if (groupRow != null) writes.push(tx.objectStore('groups').put(groupRow))
      await Promise.all([...writes, tx.done])
    },
    loadSetting: async <T>(key: string) => loadKv<T>(`setting:${key}`),
    saveSetting: async (key, value) => { await saveKv(`setting:${key}`, value) },
    close: () => { db.close() }
  }
}
