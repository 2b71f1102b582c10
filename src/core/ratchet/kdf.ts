import { aesGcmOpen, aesGcmSeal, hkdf, hmacSha256 } from '../../crypto/index.ts'

// The KDFs of the Double Ratchet with header encryption (Double Ratchet sections 3.1 and
// 4.2, with the choices section 5.2 recommends), each bound to a Murmur label.

const ROOT_INFO = 'murmur/ratchet/root/v1'
const MESSAGE_INFO = 'murmur/ratchet/message/v1'
const KEY_BYTES = 32
const NONCE_BYTES = 12
const MESSAGE_KEY_CONSTANT = Uint8Array.of(0x01)
const CHAIN_KEY_CONSTANT = Uint8Array.of(0x02)

export interface RootStep {
  rootKey: Uint8Array
  chainKey: Uint8Array
  nextHeaderKey: Uint8Array
}

/** KDF_RK_HE: HKDF-SHA256 keyed by the root key (as salt) over a DH output. */
export function kdfRoot (rootKey: Uint8Array, dhOutput: Uint8Array): RootStep {
  const out = hkdf(dhOutput, rootKey, ROOT_INFO, 3 * KEY_BYTES)
  return {
    rootKey: out.slice(0, KEY_BYTES),
    chainKey: out.slice(KEY_BYTES, 2 * KEY_BYTES),
    nextHeaderKey: out.slice(2 * KEY_BYTES)
  }
}

/** KDF_CK: HMAC-SHA256 of the chain key with distinct constants (section 5.2). */
export function kdfChain (chainKey: Uint8Array): { chainKey: Uint8Array, messageKey: Uint8Array } {
  return {
    chainKey: hmacSha256(chainKey, CHAIN_KEY_CONSTANT),
    messageKey: hmacSha256(chainKey, MESSAGE_KEY_CONSTANT)
  }
}

// Section 5.2 ENCRYPT: an AEAD key and nonce from the message key. Each message key seals
// exactly one message, so a nonce derived from it never repeats under its key.
function messageCipher (messageKey: Uint8Array): { key: Uint8Array, nonce: Uint8Array } {
  const out = hkdf(messageKey, undefined, MESSAGE_INFO, KEY_BYTES + NONCE_BYTES)
  return { key: out.subarray(0, KEY_BYTES), nonce: out.subarray(KEY_BYTES) }
}

export function sealMessage (messageKey: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  const { key, nonce } = messageCipher(messageKey)
  return aesGcmSeal(key, nonce, plaintext, aad)
}

export function openMessage (messageKey: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array | undefined {
  const { key, nonce } = messageCipher(messageKey)
  return aesGcmOpen(key, nonce, sealed, aad)
}
