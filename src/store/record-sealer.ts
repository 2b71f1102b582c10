import { aesGcmOpen, aesGcmSeal, GCM_NONCE_BYTES, hkdf, hmacSha256, randomBytes, type RandomSource } from '../crypto/index.ts'
import { decodeStoredValue, encodeStoredValue } from './sealed-codec.ts'

export class StorageCorruptError extends Error {
  override name = 'StorageCorruptError'
}

/**
 * Seals every stored record with AES-256-GCM under the profile's storage key: a random
 * 12-byte nonce per write, and associated data naming the store and the record, so a sealed
 * value moved to another record or store does not open. Synchronous (noble), so sealing
 * happens inside an IndexedDB transaction without letting it auto-commit.
 */
export interface RecordSealer {
  seal: (store: string, key: string, value: unknown) => Uint8Array
  open: <T>(store: string, key: string, sealed: Uint8Array) => T
  /** A stable opaque index value for a private field (a contact id), so indexes reveal no ids. */
  blind: (label: string, value: string) => string
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)

export function createRecordSealer (storageKey: Uint8Array, random: RandomSource = randomBytes): RecordSealer {
  if (storageKey.length !== 32) throw new TypeError('storageKey must be 32 bytes')
  const recordKey = hkdf(storageKey, undefined, 'murmur/store/records/v1', 32)
  const indexKey = hkdf(storageKey, undefined, 'murmur/store/index/v1', 32)
  const aad = (store: string, key: string): Uint8Array => utf8(`murmur/store/v1/${store}/${key}`)

  return {
    seal (store, key, value) {
      const nonce = random(GCM_NONCE_BYTES)
      const sealed = aesGcmSeal(recordKey, nonce, encodeStoredValue(value), aad(store, key))
      const out = new Uint8Array(nonce.length + sealed.length)
      out.set(nonce)
      out.set(sealed, nonce.length)
      return out
    },
    open<T> (store: string, key: string, sealed: Uint8Array): T {
      if (!(sealed instanceof Uint8Array) || sealed.length < GCM_NONCE_BYTES + 16) {
        throw new StorageCorruptError(`a stored ${store} record is damaged`)
      }
      const plain = aesGcmOpen(recordKey, sealed.subarray(0, GCM_NONCE_BYTES), sealed.subarray(GCM_NONCE_BYTES), aad(store, key))
      if (plain == null) throw new StorageCorruptError(`a stored ${store} record is damaged or belongs to another profile`)
      return decodeStoredValue<T>(plain)
    },
    blind (label, value) {
      const mac = hmacSha256(indexKey, utf8(`${label}/${value}`))
      return Array.from(mac.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join('')
    }
  }
}
