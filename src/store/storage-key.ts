import {
  aesGcmOpen, aesGcmSeal, derivePassphraseKey, GCM_NONCE_BYTES, DEFAULT_SCRYPT, generateNonExtractableAesKey,
  openWithCryptoKey, randomBytes, sealWithCryptoKey, type PassphraseKdfParams, type RandomSource
} from '../crypto/index.ts'
import { ReasonedError } from '../core/errors.ts'

/**
 * How the profile's storage key rests on disk.
 * - device: wrapped by a non-extractable WebCrypto key kept in the same IndexedDB. Page
 *   scripts can never export that key, but anyone who copies the whole browser profile
 *   copies it too: this protects against reading the database files in isolation, not
 *   against someone with the profile and the browser.
 * - passphrase: wrapped by a key derived from the user's passphrase with scrypt. A copy of
 *   the profile reveals nothing without the passphrase, at the cost of typing it after
 *   every start.
 */
export type KeyRecord =
  | { mode: 'device', deviceKey: CryptoKey, wrapped: Uint8Array }
  | { mode: 'passphrase', kdf: PassphraseKdfParams, wrapped: Uint8Array }

export class WrongPassphraseError extends Error {
  override name = 'WrongPassphraseError'
  constructor () { super('That passphrase does not unlock this profile. Nothing was changed; try again.') }
}

export type KeyRecordErrorReason = 'passphrase-too-short' | 'damaged' | 'no-passphrase'

export class KeyRecordError extends ReasonedError<KeyRecordErrorReason> {
  override name = 'KeyRecordError'
}

const AAD = new TextEncoder().encode('murmur/storage-key/v1')
export const MIN_PASSPHRASE_CHARS = 8

export async function wrapWithDevice (storageKey: Uint8Array): Promise<KeyRecord> {
  const deviceKey = await generateNonExtractableAesKey()
  return { mode: 'device', deviceKey, wrapped: await sealWithCryptoKey(deviceKey, storageKey, AAD) }
}

export async function wrapWithPassphrase (
  storageKey: Uint8Array,
  passphrase: string,
  options: { onProgress?: (fraction: number) => void, signal?: AbortSignal, random?: RandomSource, cost?: Omit<PassphraseKdfParams, 'salt' | 'algorithm'> } = {}
): Promise<KeyRecord> {
  if (passphrase.length < MIN_PASSPHRASE_CHARS) {
    throw new KeyRecordError('passphrase-too-short', `A passphrase has at least ${MIN_PASSPHRASE_CHARS} characters.`)
  }
  const random = options.random ?? randomBytes
  const kdf: PassphraseKdfParams = { ...DEFAULT_SCRYPT, ...options.cost, algorithm: 'scrypt', salt: random(16) }
  const key = await derivePassphraseKey(passphrase, kdf, options)
  const nonce = random(GCM_NONCE_BYTES)
  const sealed = aesGcmSeal(key, nonce, storageKey, AAD)
  key.fill(0)
  const wrapped = new Uint8Array(nonce.length + sealed.length)
  wrapped.set(nonce)
  wrapped.set(sealed, nonce.length)
  return { mode: 'passphrase', kdf, wrapped }
}

/** Opens the storage key; a wrong passphrase is a WrongPassphraseError and changes nothing. */
export async function unwrapStorageKey (
  record: KeyRecord,
  passphrase?: string,
  options: { onProgress?: (fraction: number) => void, signal?: AbortSignal } = {}
): Promise<Uint8Array> {
  if (record.mode === 'device') {
    const key = await openWithCryptoKey(record.deviceKey, record.wrapped, AAD)
    if (key == null) throw new KeyRecordError('damaged', 'The storage key of this profile is damaged.')
    return key
  }
  if (passphrase == null) throw new WrongPassphraseError()
  const derived = await derivePassphraseKey(passphrase, record.kdf, options)
  const key = aesGcmOpen(derived, record.wrapped.subarray(0, GCM_NONCE_BYTES), record.wrapped.subarray(GCM_NONCE_BYTES), AAD)
  derived.fill(0)
  if (key == null) throw new WrongPassphraseError()
  return key
}
