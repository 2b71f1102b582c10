import { gcm } from '@noble/ciphers/aes.js'
import { assertAnyBytes, assertBytes } from './bytes.ts'

export const AES_KEY_BYTES = 32
export const GCM_NONCE_BYTES = 12
export const GCM_TAG_BYTES = 16

const EMPTY = new Uint8Array(0)

/** Checks shared with the WebCrypto pair, so both refuse exactly the same inputs. */
export function assertGcmInputs (key: Uint8Array, nonce: Uint8Array, data: Uint8Array, dataField: string, aad: Uint8Array | undefined): void {
  assertBytes(key, AES_KEY_BYTES, 'key')
  assertBytes(nonce, GCM_NONCE_BYTES, 'nonce')
  assertAnyBytes(data, dataField)
  if (aad !== undefined) assertAnyBytes(aad, 'aad')
}

/**
 * AES-256-GCM (NIST SP 800-38D) with a 96-bit nonce and a 128-bit tag. Returns
 * ciphertext ‖ tag. The nonce must never repeat under one key.
 */
export function aesGcmSeal (key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array {
  assertGcmInputs(key, nonce, plaintext, 'plaintext', aad)
  return gcm(key, nonce, aad ?? EMPTY).encrypt(plaintext)
}

/**
 * Opens ciphertext ‖ tag. Sealed bytes come from the network or from storage, so anything
 * wrong with them (too short, a changed bit, the wrong aad) is `undefined`, never a throw;
 * only a key or nonce of the wrong length throws, since that is the caller's bug.
 */
export function aesGcmOpen (key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Uint8Array | undefined {
  assertGcmInputs(key, nonce, sealed, 'sealed', aad)
  if (sealed.length < GCM_TAG_BYTES) return undefined
  try {
    return gcm(key, nonce, aad ?? EMPTY).decrypt(sealed)
  } catch {
    return undefined
  }
}
