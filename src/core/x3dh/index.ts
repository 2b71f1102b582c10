export { X3dhError, InvalidInitialMessageError, type X3dhErrorReason, type InvalidInitialMessageReason } from './errors.ts'
export { createDhIdentity, verifyDhIdentity, DH_KEY_BYTES, type DhIdentity } from './dh-identity.ts'
export {
  prekeyKey,
  encodePrekeyBundle,
  decodePrekeyBundle,
  verifyPrekeyBundleSignature,
  validatePrekeyRecord,
  selectPrekey,
  PREKEY_NAMESPACE,
  PREKEY_MAX_BYTES,
  PREKEY_ID_MAX,
  PREKEY_MAX_FUTURE_MS,
  PREKEY_MAX_TTL_MS,
  type PrekeyBundle,
  type PrekeyBundleFields
} from './prekey.ts'
export {
  prekeyNeedsRotation,
  retiredPrekeysToDrop,
  nextPrekeyId,
  createSignedPrekey,
  PREKEY_ROTATE_MS,
  PREKEY_GRACE_MS,
  PREKEY_TTL_MS,
  type RetiredPrekey
} from './prekey-rotation.ts'
export { peerIdentityOfAd, x3dhInitiate, x3dhRespond, type X3dhSecrets, type X3dhInitiatorInfo, type DhKeys } from './x3dh.ts'
export {
  encodeInitialMessage,
  decodeInitialMessage,
  INITIAL_MESSAGE_VERSION,
  INITIAL_MESSAGE_MAX_BYTES,
  RATCHET_MESSAGE_MAX_BYTES,
  type InitialMessage,
  type InitialMessageFields
} from './initial-message.ts'
export {
  emptyReplayCache,
  hasSeen,
  checkAndRemember,
  forgetPrekey,
  retainPrekeys,
  encodeReplayCache,
  decodeReplayCache,
  entriesFor,
  entriesOf,
  roomFor,
  REPLAY_CACHE_MAX,
  REPLAY_PER_PREKEY_MAX,
  REPLAY_PER_SENDER_MAX,
  REPLAY_ROTATE_AT,
  type ReplayCache,
  type ReplayCheck,
  type ReplayRefusal
} from './replay-cache.ts'
export { safetyNumber, safetyNumberQrPayload, compareSafetyNumberQr } from './safety-number.ts'
