import type { RecordSealer } from './record-sealer.ts'

/**
 * The blinded references the stores are keyed and indexed by: an HMAC of a private id under
 * the storage key, one label per use so one id gives unrelated references. The IndexedDB
 * adapter and the key rotation (which must make every one of them again) share this list.
 */
export function blindedRefs (sealer: RecordSealer) {
  return {
    conversation: (contactId: string): string => sealer.blind('conversation', contactId),
    contact: (userId: string): string => sealer.blind('contact', userId),
    session: (contactId: string): string => sealer.blind('session', contactId),
    mailboxWriter: (contactId: string): string => `mailbox-writer:${sealer.blind('mailbox-writer', contactId)}`,
    group: (groupId: string): string => sealer.blind('group', groupId),
    groupConversation: (groupId: string): string => sealer.blind('group-conversation', groupId)
  }
}

export type BlindedRefs = ReturnType<typeof blindedRefs>
