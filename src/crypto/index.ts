export { randomBytes, type RandomSource } from './random.ts'
export { assertBytes, assertAnyBytes, isBytes } from './bytes.ts'
export { sha256 } from './hash.ts'
export {
  generateSigningKeyPair,
  publicKeyFromSecret,
  sign,
  verifySignature,
  PUBLIC_KEY_BYTES,
  SECRET_KEY_BYTES,
  SIGNATURE_BYTES,
  type SigningKeyPair
} from './ed25519.ts'
export { dh, dhPublicKey, generateDhKeyPair, WeakKeyError, X25519_KEY_BYTES, type DhKeyPair } from './x25519.ts'
export { hkdf, HKDF_SHA256_MAX_LENGTH } from './hkdf.ts'
export { hmacSha256, HMAC_SHA256_BYTES } from './hmac.ts'
export { aesGcmOpen, aesGcmSeal, AES_KEY_BYTES, GCM_NONCE_BYTES, GCM_TAG_BYTES } from './aes-gcm.ts'
export {
  aesGcmOpenAsync,
  aesGcmSealAsync,
  dhAsync,
  generateNonExtractableAesKey,
  hasWebCryptoX25519,
  openWithCryptoKey,
  sealWithCryptoKey
} from './webcrypto.ts'
export {
  createPassphraseKdfParams,
  derivePassphraseKey,
  DEFAULT_SCRYPT,
  PASSPHRASE_KEY_BYTES,
  PASSPHRASE_SALT_BYTES,
  type DerivePassphraseKeyOptions,
  type PassphraseKdfParams
} from './passphrase.ts'
