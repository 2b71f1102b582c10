import { Reader, Writer } from '../codec.ts'
import { DecodeError } from '../errors.ts'
import { GroupStateError } from './errors.ts'
import { encodeGroupState, GROUP_ID_BYTES, readGroupState, assertGroupState, type GroupState } from './group-state.ts'
import { MAX_DISTRIBUTION_BYTES } from './sender-key-wire.ts'

// What members tell each other about a group over their 1:1 sessions (inside a chat payload
// of kind "group"): never over the gossip topic, which only carries sealed group messages.
//   state       the admin's current state of the group (to every member, new ones included)
//   removed     the admin's word that you are no longer a member (from that epoch on)
//   sender-key  a member's sender key distribution for one epoch
//   leave       a member leaves (to the admin, who then removes them)
//   key-request "I have a message of yours I cannot read: send me your sender key again"
//   message     a group message for a member who was away when it was sent (through their
//               mailbox): gossip reaches only who is online, and this way nothing waits on
//               two members being online together

export type GroupControl =
  | { type: 'state', state: GroupState }
  | { type: 'removed', groupId: string, epoch: number }
  | { type: 'sender-key', groupId: string, epoch: number, distribution: Uint8Array }
  | { type: 'leave', groupId: string }
  | { type: 'key-request', groupId: string }
  | { type: 'message', groupId: string, message: Uint8Array }

const VERSION = 1
const CODES = { state: 1, removed: 2, 'sender-key': 3, leave: 4, 'key-request': 5, message: 6 } as const
/** A group message inside a control payload: what fits a session payload with room to spare. */
export const MAX_CONTROL_MESSAGE_BYTES = 14 * 1024
const TYPES = Object.fromEntries(Object.entries(CODES).map(([t, c]) => [c, t])) as Record<number, GroupControl['type']>

const isGroupId = (id: unknown): boolean => typeof id === 'string' && /^[0-9a-f]{32}$/.test(id)
const isEpoch = (n: unknown): boolean => Number.isSafeInteger(n) && (n as number) >= 1

export function encodeGroupControl (c: GroupControl): Uint8Array {
  if (!Object.hasOwn(CODES, c.type)) throw new GroupStateError('malformed', { field: 'type' })
  const w = new Writer().u8(VERSION).u8(CODES[c.type])
  if (c.type === 'state') {
    assertGroupState(c.state)
    const state = encodeGroupState(c.state)
    return concatWriter(w, state)
  }
  if (!isGroupId(c.groupId)) throw new GroupStateError('malformed', { field: 'groupId' })
  w.string(c.groupId)
  if (c.type === 'removed' || c.type === 'sender-key') {
    if (!isEpoch(c.epoch)) throw new GroupStateError('malformed', { field: 'epoch' })
    w.uvarint(c.epoch)
  }
  if (c.type === 'sender-key') {
    if (!(c.distribution instanceof Uint8Array) || c.distribution.length > MAX_DISTRIBUTION_BYTES) throw new GroupStateError('malformed', { field: 'distribution' })
    w.bytes(c.distribution)
  }
  if (c.type === 'message') {
    if (!(c.message instanceof Uint8Array) || c.message.length === 0 || c.message.length > MAX_CONTROL_MESSAGE_BYTES) throw new GroupStateError('malformed', { field: 'message' })
    w.bytes(c.message)
  }
  return w.finish()
}

function concatWriter (w: Writer, tail: Uint8Array): Uint8Array {
  const head = w.finish()
  const out = new Uint8Array(head.length + tail.length)
  out.set(head)
  out.set(tail, head.length)
  return out
}

/** Whether encoded control bytes carry a group message (what is worth waking a person for), without decoding the rest. */
export function isGroupMessageControl (bytes: Uint8Array): boolean {
  return bytes[0] === VERSION && bytes[1] === CODES.message
}

/** Throws GroupStateError('malformed', field) on anything that is not a control message we read. */
export function decodeGroupControl (bytes: Uint8Array): GroupControl {
  if (!(bytes instanceof Uint8Array)) throw new GroupStateError('malformed', { field: 'control' })
  try {
    const r = new Reader(bytes)
    if (r.u8('version') !== VERSION) throw new DecodeError('version', 'unknown group control version')
    const type = TYPES[r.u8('type')]
    if (type === undefined) throw new DecodeError('type', 'unknown group control type')
    let control: GroupControl
    if (type === 'state') {
      const state = readGroupState(r)
      assertGroupState(state)
      control = { type, state }
    } else {
      const groupId = r.string('groupId', { maxBytes: GROUP_ID_BYTES * 2 })
      if (!isGroupId(groupId)) throw new DecodeError('groupId', 'must be 32 lowercase hex digits')
      if (type === 'removed' || type === 'sender-key') {
        const epoch = r.uvarint('epoch')
        if (epoch < 1) throw new DecodeError('epoch', 'starts at 1')
        control = type === 'removed'
          ? { type, groupId, epoch }
          : { type, groupId, epoch, distribution: r.bytes('distribution', { max: MAX_DISTRIBUTION_BYTES }) }
      } else if (type === 'message') {
        const message = r.bytes('message', { max: MAX_CONTROL_MESSAGE_BYTES })
        if (message.length === 0) throw new DecodeError('message', 'is empty')
        control = { type, groupId, message }
      } else {
        control = { type, groupId }
      }
    }
    r.done('control')
    return control
  } catch (err) {
    if (err instanceof DecodeError) throw new GroupStateError('malformed', { field: err.field, cause: err })
    throw err
  }
}
