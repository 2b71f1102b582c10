import type { MessengerStore, StoredContact, StoredGroup, StoredGroupMessage, StoredMessage, StoredPrekeys, StoredProfile } from '../core/ports/index.ts'
import { compareGroupMessages, compareMessages, isAdvance, UNDELIVERED_STATES } from '../core/message-state.ts'
import type { ContactSessions } from '../core/session/types.ts'
import type { MailboxWriterState } from '../core/mailbox/writer.ts'

/**
 * The storage port in memory. Every value is structured-cloned on the way in and out, as
 * IndexedDB does, so code tested against it cannot keep a live reference by accident.
 */
export function createMemoryMessengerStore (): MessengerStore {
  let profile: StoredProfile | undefined
  const contacts = new Map<string, StoredContact>()
  const messages = new Map<string, StoredMessage>()
  const sessions = new Map<string, ContactSessions>()
  let prekeys: StoredPrekeys | undefined
  let replayCache: Uint8Array | undefined
  const writers = new Map<string, MailboxWriterState>()
  const settings = new Map<string, unknown>()
  const groups = new Map<string, StoredGroup>()
  const groupMessages = new Map<string, StoredGroupMessage>()
  const clone = structuredClone

  return {
    loadProfile: async () => profile == null ? undefined : clone(profile),
    saveProfile: async (p) => { profile = clone(p) },
    listContacts: async () => [...contacts.values()].map((m) => clone(m)),
    getContact: async (userId) => {
      const c = contacts.get(userId)
      return c == null ? undefined : clone(c)
    },
    putContact: async (c) => { contacts.set(c.userId, clone(c)) },
    deleteContact: async (userId) => {
      contacts.delete(userId)
      sessions.delete(userId)
      writers.delete(userId)
      for (const m of [...messages.values()]) if (m.contactId === userId) messages.delete(m.id)
    },
    deleteMessages: async (ids) => { for (const id of ids) messages.delete(id) },
    listMessages: async (contactId) =>
      [...messages.values()].filter((m) => m.contactId === contactId).sort(compareMessages).map((m) => clone(m)),
    addMessage: async (m) => {
      if (messages.has(m.id)) return false
      messages.set(m.id, clone(m))
      return true
    },
    advanceMessage: async (id, state, holders) => {
      const m = messages.get(id)
      if (m == null) return undefined
      if (isAdvance(m.state, state)) messages.set(id, { ...m, state, ...(state === 'stored' && holders != null ? { holders } : {}) })
      else if (state === 'stored' && m.state === 'stored' && holders != null) messages.set(id, { ...m, holders })
      return clone(messages.get(id)!)
    },
    advanceOnReceipt: async (contactId, id, state) => {
      const m = messages.get(id)
      if (m == null || m.contactId !== contactId || m.direction !== 'out') return undefined
      if (isAdvance(m.state, state)) messages.set(id, { ...m, state })
      return clone(messages.get(id)!)
    },
    requeueMessage: async (id, now) => {
      const m = messages.get(id)
      if (m == null) return undefined
      if (m.state === 'failed') messages.set(id, { ...m, state: 'pending', retriedAt: now, holders: undefined })
      return clone(messages.get(id)!)
    },
    hasMessage: async (id) => messages.has(id),
    undeliveredMessages: async (contactId) =>
      [...messages.values()]
        .filter((m) => m.contactId === contactId && m.direction === 'out' && UNDELIVERED_STATES.includes(m.state))
        .sort(compareMessages).map((m) => clone(m)),
    unreadMessages: async (contactId) =>
      [...messages.values()]
        .filter((m) => m.contactId === contactId && m.direction === 'in' && m.state === 'delivered')
        .sort(compareMessages).map((m) => clone(m)),
    loadMailboxWriter: async (contactId) => {
      const w = writers.get(contactId)
      return w == null ? undefined : clone(w)
    },
    saveMailboxWriter: async (contactId, state) => { writers.set(contactId, clone(state)) },
    loadSetting: async <T>(key: string) => (settings.has(key) ? clone(settings.get(key)) as T : undefined),
    saveSetting: async (key, value) => { settings.set(key, clone(value)) },
    loadPrekeys: async () => prekeys == null ? undefined : clone(prekeys),
    savePrekeys: async (p) => { prekeys = clone(p) },
    loadReplayCache: async () => replayCache == null ? undefined : clone(replayCache),
    saveReplayCache: async (cache) => { replayCache = clone(cache) },
    loadSessions: async (contactId) => {
      const s = sessions.get(contactId)
      return s == null ? undefined : clone(s)
    },
    saveSessions: async (contactId, s) => { sessions.set(contactId, clone(s)) },
    commitReceived: async (step) => {
      // Everything is cloned first, so a bad value fails before anything changes.
      const next = clone(step)
      const added: StoredMessage[] = []
      for (const message of next.messages ?? []) {
        if (messages.has(message.id) || added.some((m) => m.id === message.id)) continue
        added.push(message)
      }
      sessions.set(next.contactId, next.sessions)
      if (next.replayCache != null) replayCache = next.replayCache
      if (next.contact != null) contacts.set(next.contact.userId, next.contact)
      for (const message of added) messages.set(message.id, message)
      return added.map((m) => clone(m))
    },
    listGroups: async () => [...groups.values()].map((g) => clone(g)),
    getGroup: async (groupId) => {
      const g = groups.get(groupId)
      return g == null ? undefined : clone(g)
    },
    listGroupMessages: async (groupId) =>
      [...groupMessages.values()].filter((m) => m.groupId === groupId).sort(compareGroupMessages).map((m) => clone(m)),
    commitGroup: async (group, messages) => {
      const next = clone({ group, messages })
      if (next.group != null) groups.set(next.group.state.groupId, next.group)
      for (const m of next.messages) groupMessages.set(m.id, m)
    },
    close: () => {}
  }
}
