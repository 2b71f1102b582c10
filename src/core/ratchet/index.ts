export { DecryptError, EncryptError, type DecryptErrorReason, type EncryptErrorReason } from './errors.ts'
export {
  MAX_SKIP,
  MAX_STORED_SKIPPED,
  SKIPPED_KEY_MAX_AGE_MS,
  SKIPPED_KEY_MAX_DH_STEPS,
  MAX_RATCHET_MESSAGE_BYTES,
  MAX_RATCHET_PLAINTEXT_BYTES,
  MAX_RATCHET_STATE_BYTES,
  MAX_MESSAGE_NUMBER
} from './limits.ts'
export { initInitiator, initResponder, ratchetEncrypt, type SharedSecrets } from './ratchet.ts'
export { ratchetDecrypt, ratchetDecryptAsync, ratchetDecryptSteps } from './decrypt.ts'
export { runSteps, runStepsAsync, type X25519Request, type X25519Steps } from './x25519-steps.ts'
export { pruneSkippedKeys } from './skipped-keys.ts'
export { encodeRatchetMessage, decodeRatchetMessage, type RatchetMessage } from './message.ts'
export {
  encodeRatchetState,
  decodeRatchetState,
  type RatchetState,
  type SkippedKey,
  type RetiredHeaderKey
} from './state.ts'
