import { toString } from 'uint8arrays'
import { Reader, Writer } from '../codec.ts'
import { DecodeError } from '../errors.ts'
import { GroupOrderError } from './errors.ts'
import { createGroupMessage, GROUP_MESSAGE_ID_BYTES, GROUP_MESSAGE_VERSION, groupMessageHeader, type GroupMessage } from './group-message.ts'
import { MAX_AUTHOR_BYTES, MAX_BODY_BYTES, MAX_PARENTS } from './limits.ts'

// A group message on the wire (gossip, sync) and in storage: groupMessageHeader ‖ bytes(body).
// The id is not sent: the reader computes it from the content, so it always matches.

/** header: 1 + (2 + author) + at most 8 (clock) + 1 + 16 * 33; body: at most 3 + MAX_BODY_BYTES. */
export const MAX_ENCODED_GROUP_MESSAGE_BYTES = 1 + 2 + MAX_AUTHOR_BYTES + 8 + 1 + MAX_PARENTS * (1 + GROUP_MESSAGE_ID_BYTES) + 3 + MAX_BODY_BYTES

export function encodeGroupMessage (m: GroupMessage): Uint8Array {
  if (!(m.body instanceof Uint8Array) || m.body.length > MAX_BODY_BYTES) throw new GroupOrderError('malformed', { field: 'body' })
  const header = groupMessageHeader(m)
  const tail = new Writer().bytes(m.body).finish()
  const out = new Uint8Array(header.length + tail.length)
  out.set(header)
  out.set(tail, header.length)
  return out
}

/** Reads one message from `r` (the header's version byte first); throws DecodeError naming the field. */
function readGroupMessage (r: Reader): GroupMessage {
  if (r.u8('version') !== GROUP_MESSAGE_VERSION) throw new DecodeError('version', 'unknown group message version')
  const author = r.string('author', { maxBytes: MAX_AUTHOR_BYTES })
  const clock = r.uvarint('clock')
  const count = r.uvarint('parents')
  // The one count a message may get wrong in a way that has its own reason.
  if (count > MAX_PARENTS) throw new GroupOrderError('too-many-parents', { field: 'parents' })
  const parents: string[] = []
  for (let i = 0; i < count; i++) {
    parents.push(toString(r.bytes('parents', { max: GROUP_MESSAGE_ID_BYTES, exact: GROUP_MESSAGE_ID_BYTES }), 'hex'))
  }
  const body = r.bytes('body', { max: MAX_BODY_BYTES })
  return createGroupMessage({ author, clock, parents, body })
}

/**
 * The inverse of encodeGroupMessage, for bytes from other members: size first, then every
 * field. Throws GroupOrderError ('malformed' with the field, or the rule the fields break).
 */
export function decodeGroupMessage (bytes: Uint8Array): GroupMessage {
  if (!(bytes instanceof Uint8Array) || bytes.length > MAX_ENCODED_GROUP_MESSAGE_BYTES) throw new GroupOrderError('malformed', { field: 'message' })
  try {
    const r = new Reader(bytes)
    const m = readGroupMessage(r)
    r.done('message')
    return m
  } catch (err) {
    if (err instanceof DecodeError) throw new GroupOrderError('malformed', { field: err.field, cause: err })
    throw err
  }
}
