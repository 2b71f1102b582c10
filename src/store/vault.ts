import { randomBytes } from '../crypto/index.ts'
import type { MessengerStore } from '../core/ports/index.ts'
import { createIdbMessengerStore } from './idb-messenger-store.ts'
import { openMurmurDatabase, type MurmurDatabase } from './open.ts'
import { createRecordSealer } from './record-sealer.ts'
import { unwrapStorageKey, wrapWithDevice, wrapWithPassphrase, type KeyRecord } from './storage-key.ts'

export type VaultStatus = 'new' | 'locked' | 'open'

interface KdfOptions {
  onProgress?: (fraction: number) => void
  signal?: AbortSignal
  /** Tests pass a cheap scrypt cost; the app keeps the calibrated default. */
  cost?: { N: number, r: number, p: number }
}

/**
 * A profile's database and the key that opens it. Nothing sealed can be read before
 * `unlock`; a wrong passphrase changes nothing.
 */
export class ProfileVault {
  private storageKey: Uint8Array | undefined

  private constructor (private readonly db: MurmurDatabase, private record: KeyRecord | undefined) {}

  static async open (name = 'murmur'): Promise<ProfileVault> {
    const db = await openMurmurDatabase(name)
    return new ProfileVault(db, await db.get('keys', 'storage'))
  }

  get status (): VaultStatus {
    if (this.record == null) return 'new'
    return this.storageKey == null ? 'locked' : 'open'
  }

  get hasPassphrase (): boolean {
    return this.record?.mode === 'passphrase'
  }

  /** A new profile: a fresh storage key, wrapped by a non-extractable device key. */
  async create (): Promise<MessengerStore> {
    if (this.record != null) throw new Error('This browser already has a profile.')
    const storageKey = randomBytes(32)
    const record = await wrapWithDevice(storageKey)
    const tx = this.db.transaction('keys', 'readwrite', { durability: 'strict' })
    await Promise.all([tx.store.add(record, 'storage'), tx.done])
    this.record = record
    return this.openWith(storageKey)
  }

  async unlock (passphrase?: string, options: KdfOptions = {}): Promise<MessengerStore> {
    if (this.record == null) throw new Error('There is no profile to unlock.')
    return this.openWith(await unwrapStorageKey(this.record, passphrase, options))
  }

  /** Re-wraps the storage key under a passphrase; the sealed records stay as they are. */
  async setPassphrase (passphrase: string, options: KdfOptions = {}): Promise<void> {
    const record = await wrapWithPassphrase(this.openKey(), passphrase, options)
    await this.replaceRecord(record)
  }

  async removePassphrase (): Promise<void> {
    await this.replaceRecord(await wrapWithDevice(this.openKey()))
  }

  private openKey (): Uint8Array {
    if (this.storageKey == null) throw new Error('Unlock the profile first.')
    return this.storageKey
  }

  private async replaceRecord (record: KeyRecord): Promise<void> {
    const tx = this.db.transaction('keys', 'readwrite', { durability: 'strict' })
    await Promise.all([tx.store.put(record, 'storage'), tx.done])
    this.record = record
  }

  private openWith (storageKey: Uint8Array): MessengerStore {
    this.storageKey = storageKey
    return createIdbMessengerStore(this.db, createRecordSealer(storageKey))
  }
}
