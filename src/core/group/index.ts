export {
  GroupOrderError,
  GroupDecryptError,
  GroupEncryptError,
  InvalidSenderKeyError,
  type GroupOrderErrorReason,
  type GroupDecryptErrorReason,
  type GroupEncryptErrorReason,
  type InvalidSenderKeyReason
} from './errors.ts'
export {
  MAX_PARENTS,
  MAX_CLOCK,
  MAX_CLOCK_STEP,
  MAX_HELD,
  MAX_HELD_BYTES,
  HELD_MAX_AGE_MS,
  MAX_AUTHOR_BYTES,
  MAX_BODY_BYTES,
  MAX_SKIP,
  MAX_STORED_SKIPPED,
  MAX_ITERATION,
  MAX_GROUP_MESSAGE_BYTES,
  MAX_GROUP_PLAINTEXT_BYTES
} from './limits.ts'
export {
  createGroupMessage,
  GROUP_MESSAGE_VERSION,
  groupMessageHeader,
  groupMessageId,
  isGroupMessageId,
  type GroupMessage,
  type GroupMessageFields
} from './group-message.ts'
export {
  emptyHistory,
  addMessage,
  pruneHeld,
  renderOrder,
  compareRenderOrder,
  heads,
  nextClock,
  getDelivered,
  missingParents,
  type GroupHistory,
  type AddResult
} from './causal-order.ts'
export { encodeGroupMessage, decodeGroupMessage, MAX_ENCODED_GROUP_MESSAGE_BYTES } from './message-codec.ts'
export { encodeGroupHistory, decodeGroupHistory } from './history-codec.ts'
export { DEFAULT_HELD_LIMITS, type HeldLimits, type HeldMessage, type DropReason, type DroppedMessage } from './held.ts'
export {
  createSenderKey,
  senderKeyDistribution,
  receiveSenderKeyDistribution,
  encryptGroupMessage,
  decryptGroupMessage,
  groupMessageSigningKey,
  verifyGroupMessage,
  type SenderKey,
  type SenderKeyReceiver,
  type SkippedGroupKey
} from './sender-key.ts'
export { MAX_DISTRIBUTION_BYTES } from './sender-key-wire.ts'
export { senderKeyNeedsRotation } from './sender-key.ts'
export { SENDER_KEY_MAX_MESSAGES, SENDER_KEY_MAX_AGE_MS } from './limits.ts'
export { GroupStateError, type GroupStateErrorReason } from './errors.ts'
export {
  assertGroupState, createGroupState, decodeGroupState, encodeGroupState, groupTopic, isMember, judgeStateUpdate,
  memberName, withMemberAdded, withMemberRemoved, GROUP_ID_BYTES, GROUP_SECRET_BYTES, MAX_GROUP_MEMBERS,
  type GroupMember, type GroupState, type StateVerdict
} from './group-state.ts'
export { dropInvitations, holdInvitation, MAX_INVITATIONS, MAX_INVITATIONS_PER_INVITER, type HoldResult, type PendingInvitation } from './invitations.ts'
export { appendEvents, membershipEvents, MAX_MEMBERSHIP_EVENTS, type Departure, type MembershipEvent } from './membership-events.ts'
export { decodeGroupControl, encodeGroupControl, isGroupMessageControl, MAX_CONTROL_MESSAGE_BYTES, type GroupControl } from './group-control.ts'
export { decodeGroupContent, encodeGroupContent, type GroupContent } from './group-content.ts'
export { decodeSyncRequest, encodeSyncRequest, messagesAfter, syncHeads, MAX_SYNC_HEADS, MAX_SYNC_MESSAGES, type SyncRequest } from './sync.ts'
export {
  acceptSenderKey, distributionFor, ensureSenderKey, judgeGroupMessage, newGroupRecord, openGroupMessage, ourDistribution,
  receiverId, reopenWaiting, settleKeys, signingKeyOf, MAX_KEYS_PER_AUTHOR, type Verdict
} from './group-record.ts'
