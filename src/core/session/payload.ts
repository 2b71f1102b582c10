import { SessionError } from './errors.ts'

/**
 * A session payload is one tag byte and its body:
 * 1: an X3DH initial message (src/core/x3dh/initial-message.ts) around a ratchet message;
 * 2: a ratchet message (src/core/ratchet/message.ts).
 */
export const INITIAL_TAG = 1
export const RATCHET_TAG = 2

export function tagPayload (tag: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 1)
  out[0] = tag
  out.set(body, 1)
  return out
}

export function untagPayload (payload: Uint8Array): { tag: number, body: Uint8Array } {
  if (!(payload instanceof Uint8Array) || payload.length < 2) throw new SessionError('malformed', 'An encrypted message arrived malformed and was dropped.')
  const tag = payload[0]!
  if (tag !== INITIAL_TAG && tag !== RATCHET_TAG) throw new SessionError('malformed', 'An encrypted message of an unknown kind was dropped.')
  return { tag, body: payload.subarray(1) }
}
