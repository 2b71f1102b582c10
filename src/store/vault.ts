import { equals } from 'uint8arrays'
import { randomBytes } from '../crypto/index.ts'
import type { MessengerStore } from '../core/ports/index.ts'
import { createIdbMessengerStore } from './idb-messenger-store.ts'
import { beginRotation, finishRotation, type ResealedStore, type RotationMarker } from './key-rotation.ts'
import { openMurmurDatabase, type MurmurDatabase } from './open.ts'
import { createRecordSealer } from './record-sealer.ts'
import { KeyRecordError, unwrapStorageKey, WrongPassphraseError, wrapWithDevice, wrapWithPassphrase, type KeyRecord } from './storage-key.ts'

export type VaultStatus = 'new' | 'locked' | 'open'

interface KdfOptions {
  onProgress?: (fraction: number) => void
  signal?: AbortSignal
  /** Tests pass a cheap scrypt cost; the app keeps the calibrated default. */
  cost?: { N: number, r: number, p: number }
}

/** How the vault keeps other tabs out while it replaces the storage key. */
export interface VaultLocks {
  /** Runs `fn` while no other tab of the profile has its store open (a Web Lock in browsers). */
  exclusive: <T>(fn: () => Promise<T>) => Promise<T>
}

/** A new storage key and its wrapping, made (and checked) before anything changes. */
export interface KeyChange {
  readonly storageKey: Uint8Array
  readonly record: KeyRecord
}

const NO_LOCKS: VaultLocks = { exclusive: async (fn) => fn() }

/**
 * A profile's database and the key that opens it. Nothing sealed can be read before
 * `unlock`; a wrong passphrase changes nothing. Setting or removing the passphrase replaces
 * the storage key and re-seals every record (src/store/key-rotation.ts), so no copy of an
 * earlier key record opens what the profile holds afterwards.
 */
export class ProfileVault {
  private storageKey: Uint8Array | undefined

  private constructor (
    private readonly db: MurmurDatabase,
    private readonly name: string,
    private record: KeyRecord | undefined,
    private marker: RotationMarker | undefined,
    private readonly locks: VaultLocks
  ) {}

  static async open (name = 'murmur', locks: VaultLocks = NO_LOCKS): Promise<ProfileVault> {
    const db = await openMurmurDatabase(name)
    const { record, marker } = await readKeys(db)
    return new ProfileVault(db, name, record, marker, locks)
  }

  get status (): VaultStatus {
    if (this.record == null) return 'new'
    return this.storageKey == null ? 'locked' : 'open'
  }

  /** True also while a change to or from a passphrase is unfinished: finishing it needs the passphrase. */
  get hasPassphrase (): boolean {
    return this.record?.mode === 'passphrase' || this.marker?.to.mode === 'passphrase' || this.marker?.from.mode === 'passphrase'
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

  /** Opens the store; first finishes a key change a crash interrupted (it needs the passphrase too). */
  async unlock (passphrase?: string, options: KdfOptions = {}): Promise<MessengerStore> {
    // Read again: another tab may have changed the key since this one opened.
    ({ record: this.record, marker: this.marker } = await readKeys(this.db))
    if (this.record == null) throw new Error('There is no profile to unlock.')
    if (this.marker == null) return this.openWith(await unwrapStorageKey(this.record, passphrase, options))
    return this.locks.exclusive(async () => {
      const { record, marker } = await readKeys(this.db)
      if (record == null) throw new Error('There is no profile to unlock.')
      if (marker == null) return this.openWith(await unwrapStorageKey(record, passphrase, options))
      const old = await unwrapStorageKey(marker.from, passphrase, options)
      const next = await unwrapStorageKey(marker.to, passphrase, options)
      await finishRotation(this.db, marker, { old, next })
      this.record = marker.to
      this.marker = undefined
      return this.openWith(next)
    })
  }

  /** Step one of setting a passphrase: a new key wrapped under it (slow: scrypt). Changes nothing. */
  async preparePassphrase (passphrase: string, options: KdfOptions = {}): Promise<KeyChange> {
    this.openKey()
    const storageKey = randomBytes(32)
    return { storageKey, record: await wrapWithPassphrase(storageKey, passphrase, options) }
  }

  /** Step one of removing it: the passphrase must open the current key. Changes nothing. */
  async prepareRemoval (passphrase: string, options: KdfOptions = {}): Promise<KeyChange> {
    const current = this.openKey()
    if (this.record?.mode !== 'passphrase') throw new KeyRecordError('no-passphrase', 'This profile has no passphrase to remove.')
    if (!equals(await unwrapStorageKey(this.record, passphrase, options), current)) throw new WrongPassphraseError()
    const storageKey = randomBytes(32)
    return { storageKey, record: await wrapWithDevice(storageKey) }
  }

  /**
   * Step two: re-seals every record under the new key. Every store opened from this vault
   * must be closed first, in every tab (the caller sees to it; `exclusive` waits for the
   * other tabs). Afterwards the vault is open under the new key; open a store again.
   */
  async applyKeyChange (change: KeyChange, onStore?: (store: ResealedStore) => void): Promise<void> {
    const old = this.openKey()
    const from = this.record!
    await this.locks.exclusive(async () => {
      // A connection of its own: the store's is closed by now.
      const db = await openMurmurDatabase(this.name)
      try {
        const marker = await beginRotation(db, from, change.record)
        this.marker = marker
        await finishRotation(db, marker, { old, next: change.storageKey }, onStore)
      } finally {
        db.close()
      }
    })
    this.record = change.record
    this.marker = undefined
    this.storageKey = change.storageKey
  }

  async setPassphrase (passphrase: string, options: KdfOptions = {}): Promise<void> {
    await this.applyKeyChange(await this.preparePassphrase(passphrase, options))
  }

  async removePassphrase (passphrase: string, options: KdfOptions = {}): Promise<void> {
    await this.applyKeyChange(await this.prepareRemoval(passphrase, options))
  }

  private openKey (): Uint8Array {
    if (this.storageKey == null) throw new Error('Unlock the profile first.')
    return this.storageKey
  }

  private openWith (storageKey: Uint8Array): MessengerStore {
    this.storageKey = storageKey
    return createIdbMessengerStore(this.db, createRecordSealer(storageKey))
  }
}

async function readKeys (db: MurmurDatabase): Promise<{ record: KeyRecord | undefined, marker: RotationMarker | undefined }> {
  const tx = db.transaction('keys')
  const [record, marker] = await Promise.all([tx.store.get('storage'), tx.store.get('rotation'), tx.done])
  return { record: record as KeyRecord | undefined, marker: marker as RotationMarker | undefined }
}
