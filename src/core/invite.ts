import { fromString, toString } from 'uint8arrays'
import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES } from '../crypto/index.ts'
import { Reader, Writer, utf8 } from './codec.ts'
import { DecodeError, InvalidContactInputError, InvalidInviteError } from './errors.ts'
import type { Identity } from './identity.ts'
import { appendSignature, hasValidSignature, splitSignature } from './signed-record.ts'
import { NAME_MAX_BYTES, normalizeDisplayName } from './text-rules.ts'
import { decodeUserId } from './user-id.ts'
import { MAILBOX_SECRET_BYTES } from './mailbox/slots.ts'

/** What an invite link tells the person who opens it. */
export interface Invite {
  publicKey: Uint8Array
  name: string
  relays: string[]
  createdAt: number
  /**
   * The inviter's signed prekey bundle (src/core/x3dh/prekey.ts), so the first message can be
   * end-to-end encrypted even while the DHT is empty. Checked by its reader; covered by the
   * invite's signature.
   */
  prekeyRecord?: Uint8Array
  /**
   * This invite's own secret (src/core/invite-secrets.ts; slots from
   * src/core/mailbox/slots.ts, mailboxSecretForFirstContact): where the person who opens the
   * link writes first messages while the inviter is offline. Anyone holding the link holds
   * it, so it is exactly as private as the link; the inviter can revoke it on its own.
   */
  mailboxSecret?: Uint8Array
}

/**
 * Version 3: the secret is the invite's own (one per link, with expiry and revocation).
 * Links of versions 1 and 2 are still read for adding a contact by ID, but the secret a
 * version 2 link carries was the profile's one permanent secret, which nobody reads any
 * more: it is dropped, so nobody writes to slots that would never be read.
 */
export const INVITE_VERSION = 3
const INVITE_VERSIONS = [1, 2, 3]
export const INVITE_MAX_CHARS = 4096
export const INVITE_MAX_RELAYS = 4
export const RELAY_MAX_BYTES = 256
/** Clocks drift; an invite dated further ahead than this was not made by an honest clock. */
/** A prekey bundle is about 250 bytes; the cap leaves room and keeps links short. */
export const PREKEY_RECORD_MAX_BYTES = 1024
export const INVITE_MAX_FUTURE_MS = 10 * 60 * 1000
const CONTEXT = 'murmur/invite/v1'
const LINK_MARKER = '#/i/'

const MESSAGES = {
  malformed: 'This invite link is damaged: it may have been cut off or changed when it was copied. Ask for a new one.',
  oversize: 'This invite link is too long to be a Murmur invite.',
  signature: 'This invite link was changed after it was made, so it cannot be trusted. Ask for a new one.',
  'too-far-future': "This invite link is dated in the future. Check your device's clock, or ask for a new link."
} as const

function malformed (field: string, cause?: unknown): InvalidInviteError {
  return new InvalidInviteError('malformed', MESSAGES.malformed, { field, cause })
}

const isRelayAddress = (relay: string): boolean =>
  typeof relay === 'string' && relay.startsWith('/') && utf8(relay).length <= RELAY_MAX_BYTES

export function encodeInvite (identity: Identity, fields: { name: string, relays: string[], prekeyRecord?: Uint8Array, mailboxSecret?: Uint8Array }, now: number = Date.now()): string {
  const name = normalizeDisplayName(fields.name)
  if (name === undefined) {
    throw new InvalidInviteError('malformed', 'A display name has 1 to 64 characters and no control characters.', { field: 'name' })
  }
  if (fields.relays.length > INVITE_MAX_RELAYS || !fields.relays.every(isRelayAddress)) {
    throw new InvalidInviteError('malformed', `An invite names at most ${INVITE_MAX_RELAYS} relay addresses, each starting with "/".`, { field: 'relays' })
  }
  const w = new Writer().u8(INVITE_VERSION).bytes(identity.publicKey).string(name).uvarint(fields.relays.length)
  for (const relay of fields.relays) w.string(relay)
  const prekeyRecord = fields.prekeyRecord ?? new Uint8Array(0)
  if (!(prekeyRecord instanceof Uint8Array) || prekeyRecord.length > PREKEY_RECORD_MAX_BYTES) {
    throw new InvalidInviteError('malformed', 'The prekey record is too large for an invite.', { field: 'prekeyRecord' })
  }
  const mailboxSecret = fields.mailboxSecret ?? new Uint8Array(0)
  if (!(mailboxSecret instanceof Uint8Array) || (mailboxSecret.length !== 0 && mailboxSecret.length !== MAILBOX_SECRET_BYTES)) {
    throw new InvalidInviteError('malformed', `An invitation secret has ${MAILBOX_SECRET_BYTES} bytes.`, { field: 'mailboxSecret' })
  }
  w.uvarint(now).bytes(prekeyRecord).bytes(mailboxSecret)
  return toString(appendSignature(identity, CONTEXT, w.finish()), 'base64url')
}

function parseBody (body: Uint8Array): Invite {
  const r = new Reader(body)
  const version = r.u8('version')
  if (!INVITE_VERSIONS.includes(version)) throw new DecodeError('version', 'unknown invite version')
  const publicKey = r.bytes('publicKey', { max: PUBLIC_KEY_BYTES, exact: PUBLIC_KEY_BYTES })
  const name = normalizeDisplayName(r.string('name', { maxBytes: NAME_MAX_BYTES }))
  if (name === undefined) throw new DecodeError('name', 'not an acceptable display name')
  const relays: string[] = []
  const count = r.count('relays', INVITE_MAX_RELAYS)
  for (let i = 0; i < count; i++) {
    const relay = r.string('relays', { maxBytes: RELAY_MAX_BYTES })
    if (!relay.startsWith('/')) throw new DecodeError('relays', 'a relay address starts with "/"')
    relays.push(relay)
  }
  const createdAt = r.uvarint('createdAt')
  const prekeyRecord = r.bytes('prekeyRecord', { max: PREKEY_RECORD_MAX_BYTES })
  const mailboxSecret = version >= 2 ? r.bytes('mailboxSecret', { max: MAILBOX_SECRET_BYTES }) : new Uint8Array(0)
  if (mailboxSecret.length !== 0 && mailboxSecret.length !== MAILBOX_SECRET_BYTES) throw new DecodeError('mailboxSecret', `must be empty or ${MAILBOX_SECRET_BYTES} bytes`)
  r.done('invite')
  const invite: Invite = { publicKey, name, relays, createdAt }
  if (prekeyRecord.length > 0) invite.prekeyRecord = prekeyRecord
  if (mailboxSecret.length > 0 && version >= 3) invite.mailboxSecret = mailboxSecret
  return invite
}

/** Checks an invite payload (the part of a link after `#/i/`) completely before trusting any of it. */
export function decodeInvite (payload: string, now: number = Date.now()): Invite {
  if (typeof payload !== 'string') throw malformed('payload')
  if (payload.length > INVITE_MAX_CHARS) throw new InvalidInviteError('oversize', MESSAGES.oversize, { field: 'payload' })
  const text = payload.trim()
  if (!/^[A-Za-z0-9_-]+$/.test(text)) throw malformed('payload')
  let bytes: Uint8Array
  try {
    bytes = fromString(text, 'base64url')
  } catch (err) {
    throw malformed('payload', err)
  }
  // One invite, one spelling. The base64url decoder already refuses stray padding bits;
  // re-encoding keeps that true whatever decoder sits behind uint8arrays.
  if (toString(bytes, 'base64url') !== text) throw malformed('payload')
  const parts = splitSignature(bytes)
  if (parts === undefined) throw malformed('signature')
  let invite: Invite
  try {
    invite = parseBody(parts.body)
  } catch (err) {
    if (err instanceof DecodeError) throw malformed(err.field, err)
    throw err
  }
  // Cheap checks first, the signature last.
  if (invite.createdAt > now + INVITE_MAX_FUTURE_MS) {
    throw new InvalidInviteError('too-far-future', MESSAGES['too-far-future'], { field: 'createdAt' })
  }
  if (!hasValidSignature(CONTEXT, parts.body, parts.signature, invite.publicKey)) {
    throw new InvalidInviteError('signature', MESSAGES.signature, { field: 'signature' })
  }
  return invite
}

export function inviteLink (origin: string, payload: string): string {
  return `${origin.replace(/\/+$/, '')}/${LINK_MARKER}${payload}`
}

export type ContactInput =
  | { kind: 'invite', invite: Invite }
  | { kind: 'id', publicKey: Uint8Array }

// The smallest possible invite (version 1): version, key, a 1-byte name, no relays, a 1-byte date, no prekey, signature.
const MIN_INVITE_BYTES = 1 + (1 + PUBLIC_KEY_BYTES) + (1 + 1) + 1 + 1 + 1 + SIGNATURE_BYTES
const MIN_PAYLOAD_CHARS = Math.ceil(MIN_INVITE_BYTES * 4 / 3)
// Close enough to an id that a person meant one: then "looks mistyped" is the useful answer.
const ID_ATTEMPT = /^mm[a-z0-9]{40,70}$/i
const PAYLOAD_ATTEMPT = new RegExp(`^[A-Za-z0-9_-]{${MIN_PAYLOAD_CHARS},}$`)

/**
 * Reads what a person pasted into "Add contact": an invite link from any origin, a bare
 * invite payload, or a user id. Input that is recognisably one of these but broken gets that
 * kind's own error (InvalidInviteError, InvalidUserIdError), which says what is wrong with it.
 */
export function parseContactInput (text: string, now: number = Date.now()): ContactInput {
  const input = typeof text === 'string' ? text.trim() : ''
  const marker = input.indexOf(LINK_MARKER)
  if (marker >= 0) {
    // The payload runs to the end of the link; anything after whitespace is not part of it.
    const payload = input.slice(marker + LINK_MARKER.length).split(/\s/, 1)[0] ?? ''
    return { kind: 'invite', invite: decodeInvite(payload, now) }
  }
  if (ID_ATTEMPT.test(input)) return { kind: 'id', publicKey: decodeUserId(input) }
  if (PAYLOAD_ATTEMPT.test(input)) return { kind: 'invite', invite: decodeInvite(input, now) }
  throw new InvalidContactInputError()
}
