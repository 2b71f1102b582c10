import { openDB, type IDBPDatabase } from 'idb'
import { SCHEMA_VERSION, type MurmurDB } from './schema.ts'

export type MurmurDatabase = IDBPDatabase<MurmurDB>

/** Opens (and upgrades) a profile's database. */
export async function openMurmurDatabase (name = 'murmur'): Promise<MurmurDatabase> {
  return openDB<MurmurDB>(name, SCHEMA_VERSION, {
    upgrade (db, oldVersion) {
      // Step through every version in order; a released step is never edited.
      if (oldVersion < 1) {
        db.createObjectStore('keys')
        db.createObjectStore('kv')
        db.createObjectStore('contacts', { keyPath: 'ref' })
        db.createObjectStore('sessions', { keyPath: 'ref' })
        const messages = db.createObjectStore('messages', { keyPath: 'id' })
        messages.createIndex('by-conversation', ['conv', 'sentAt'])
        messages.createIndex('by-state', ['conv', 'state'])
      }
      if (oldVersion < 2) {
        db.createObjectStore('groups', { keyPath: 'ref' })
        db.createObjectStore('groupMessages', { keyPath: 'id' }).createIndex('by-group', ['conv', 'clock'])
      }
    }
  })
}
