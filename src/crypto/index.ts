export { randomBytes, type RandomSource } from './random.ts'
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
