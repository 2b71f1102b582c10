import { concat, fromString, toString } from 'uint8arrays'
import { sha256 } from '../../crypto/index.ts'
import { isWellFormedText, utf8, Writer } from '../codec.ts'
import { GroupOrderError } from './errors.ts'
import { MAX_AUTHOR_BYTES, MAX_BODY_BYTES, MAX_CLOCK, MAX_PARENTS } from './limits.ts'

// One message of a group's history as the causal order sees it. The id is the SHA-256 of
// everything else, so an id names exactly one message: no member can show two members two
// different messages under one id, and a cycle would need a hash that contains itself.

export interface GroupMessage {
  /** 64 lowercase hex digits: groupMessageId of the other fields. */
  readonly id: string
  /** The author's user id. */
  readonly author: string
  /** Lamport clock: greater than every parent's (nextClock gives the right one). */
  readonly clock: number
  /** Ids of the heads the author had seen, at most MAX_PARENTS, none twice; empty for a first message. */
  readonly parents: readonly string[]
  /** Opaque to the order: the sealed sender-key message, whose ad should be groupMessageHeader. */
  readonly body: Uint8Array
}

export type GroupMessageFields = Omit<GroupMessage, 'id'>

/** The first byte of every header (and so of every encoded message). */
export const GROUP_MESSAGE_VERSION = 1
const ID_CONTEXT = 'murmur/group/message-id/v1'
export const GROUP_MESSAGE_ID_BYTES = 32
const ID_PATTERN = /^[0-9a-f]{64}$/

export const isGroupMessageId = (id: unknown): id is string => typeof id === 'string' && ID_PATTERN.test(id)

const malformed = (field: string): GroupOrderError => new GroupOrderError('malformed', { field })

/** Checks one message on its own (not against a history); throws GroupOrderError naming the field. */
function assertFields (m: GroupMessageFields): void {
  if (typeof m !== 'object' || m === null) throw malformed('message')
  if (typeof m.author !== 'string' || m.author.length === 0 || !isWellFormedText(m.author) ||
    utf8(m.author).length > MAX_AUTHOR_BYTES) throw malformed('author')
  if (!Number.isSafeInteger(m.clock) || m.clock < 0) throw malformed('clock')
  if (m.clock > MAX_CLOCK) throw new GroupOrderError('clock-too-large', { field: 'clock' })
  if (!Array.isArray(m.parents)) throw malformed('parents')
  if (m.parents.length > MAX_PARENTS) throw new GroupOrderError('too-many-parents', { field: 'parents' })
  if (!m.parents.every(isGroupMessageId)) throw malformed('parents')
  if (new Set(m.parents).size !== m.parents.length) throw new GroupOrderError('duplicate-parent', { field: 'parents' })
  if (!(m.body instanceof Uint8Array) || m.body.length > MAX_BODY_BYTES) throw malformed('body')
}

/**
 * The causal fields as bytes: what the id hashes, and what the author should pass as `ad` to
 * encryptGroupMessage, so the author's signature also covers where the message sits.
 */
export function groupMessageHeader (m: Omit<GroupMessageFields, 'body'>): Uint8Array {
  assertFields({ ...m, body: new Uint8Array(0) })
  const w = new Writer().u8(GROUP_MESSAGE_VERSION).string(m.author).uvarint(m.clock).uvarint(m.parents.length)
  for (const parent of m.parents) w.bytes(fromString(parent, 'hex'))
  return w.finish()
}

// The header is self-delimiting, so header ‖ body splits one way only.
function contentId (m: GroupMessageFields): string {
  return toString(sha256(concat([utf8(ID_CONTEXT), groupMessageHeader(m), m.body])), 'hex')
}

export function groupMessageId (m: GroupMessageFields): string {
  assertFields(m)
  return contentId(m)
}

/** A message of ours, ready to add to our history and send; parents and clock from heads/nextClock. */
export function createGroupMessage (fields: GroupMessageFields): GroupMessage {
  const id = groupMessageId(fields)
  if (fields.parents.includes(id)) throw new GroupOrderError('self-parent', { field: 'parents' })
  return { id, author: fields.author, clock: fields.clock, parents: [...fields.parents], body: fields.body }
}

/**
 * Everything about a received message that does not depend on the history. The hash is
 * checked last: it is the one check that costs more than a glance.
 */
export function assertGroupMessage (m: GroupMessage): void {
  assertFields(m)
  if (!isGroupMessageId(m.id)) throw malformed('id')
  if (m.parents.includes(m.id)) throw new GroupOrderError('self-parent', { field: 'parents' })
  if (contentId(m) !== m.id) throw new GroupOrderError('id-mismatch', { field: 'id' })
}

/** What a held message costs in memory, roughly: its fields as the header encodes them, plus the body. */
export function heldMessageBytes (m: GroupMessage): number {
  return GROUP_MESSAGE_ID_BYTES + utf8(m.author).length + 8 + m.parents.length * GROUP_MESSAGE_ID_BYTES + m.body.length
}
