export {
  mailboxSlot,
  mailboxSlotKey,
  slotKeys,
  slotWriteKey,
  slotOwnerKey,
  slotEpoch,
  mailboxSecretForPair,
  mailboxSecretForFirstContact,
  MAILBOX_NAMESPACE,
  MAILBOX_SECRET_BYTES,
  SLOT_EPOCH_MS,
  SLOTS_PER_EPOCH,
  type MailboxSlot,
  type SlotKind
} from './slots.ts'
export {
  encodeMailboxRecord,
  decodeMailboxRecord,
  validateMailboxRecord,
  selectMailboxRecord,
  isTombstone,
  MAILBOX_MAX_BYTES,
  MAILBOX_MAX_ENTRIES,
  MAILBOX_RETENTION_MS,
  MAILBOX_MAX_FUTURE_MS,
  MAILBOX_MAX_TTL_MS,
  type MailboxRecord,
  type MailboxEntry,
  type MailboxRecordFields
} from './record.ts'
export {
  nextAttempt,
  republishDue,
  thinRepublishDue,
  deliveryDeadline,
  isFailed,
  DIRECT_RETRY_MIN_MS,
  DIRECT_RETRY_MAX_MS,
  REPUBLISH_INTERVAL_MS,
  WANTED_HOLDERS,
  THIN_REPUBLISH_MS,
  THIN_REPUBLISHES_MAX,
  MAILBOX_MIN_RETENTION_MS
} from './outbox-schedule.ts'
export { drainSlot } from './drain.ts'
export { claimedByAnother, claimedByOther, ownerAt } from './claim.ts'
