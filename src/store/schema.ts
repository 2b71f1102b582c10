import type { DBSchema } from 'idb'
import type { StoredContact, StoredMessage, StoredProfile } from '../app/store-port.ts'

/**
 * The whole IndexedDB schema of a profile in one typed file. Versions step forward in
 * `upgrade` (src/store/open.ts); never edit a released step, add the next one.
 */
export interface MurmurDB extends DBSchema {
  profile: {
    key: 'self'
    value: StoredProfile
  }
  contacts: {
    key: string
    value: StoredContact
  }
  messages: {
    key: string
    value: StoredMessage
    indexes: {
      /** [contactId, sentAt]: one conversation in time order. */
      'by-conversation': [string, number]
      /** [contactId, state]: finds what still has to be sent. */
      'by-state': [string, string]
    }
  }
}

export const SCHEMA_VERSION = 1
