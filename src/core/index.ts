export * from './errors.ts'
export { Reader, Writer, isWellFormedText, utf8 } from './codec.ts'
export { MAX_FRAME_BYTES, assertFrameSize } from './frame.ts'
export { createIdentity, type Identity } from './identity.ts'
export { encodeUserId, decodeUserId, shortUserId, USER_ID_LENGTH } from './user-id.ts'
export {
  NAME_MAX_CHARS,
  TEXT_MAX_CHARS,
  normalizeDisplayName,
  isValidMessageText
} from './text-rules.ts'
export {
  encodeInvite,
  decodeInvite,
  inviteLink,
  parseContactInput,
  INVITE_MAX_CHARS,
  INVITE_MAX_RELAYS,
  INVITE_MAX_FUTURE_MS,
  type Invite,
  type ContactInput
} from './invite.ts'
export {
  presenceKey,
  encodePresence,
  decodePresence,
  validatePresenceRecord,
  selectPresence,
  PRESENCE_NAMESPACE,
  PRESENCE_MAX_BYTES,
  PRESENCE_MAX_TTL_MS,
  PRESENCE_MAX_PEERS,
  PRESENCE_MAX_ADDRS,
  type Presence,
  type PresenceFields
} from './presence.ts'
export {
  encodeEnvelope,
  decodeEnvelope,
  SEALED_PAYLOAD_MAX_BYTES,
  type DmEnvelope,
  type DmEnvelopeFields
} from './envelope.ts'
export { newMessageId, messageIdToString, messageIdFromString, MESSAGE_ID_BYTES } from './message-id.ts'
export { encodeChatPayload, decodeChatPayload, CHAT_PAYLOAD_MAX_BYTES, type ChatPayload } from './chat-payload.ts'
