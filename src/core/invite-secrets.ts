import { concat, toString } from 'uint8arrays'
import { randomBytes, sha256 } from '../crypto/index.ts'
import { utf8 } from './codec.ts'
import { MAILBOX_SECRET_BYTES } from './mailbox/slots.ts'

// Per-invite secrets (docs/SECURITY.md, "First contact"): every invite link carries its own
// random secret, and only the secrets of live invites name first-contact slots we read. So a
// person who saw one link learns nothing about another's slots, and a link that leaked stops
// working when it expires or is revoked. Pure: the shell (src/app/invites.ts) stores the list.

export interface InviteSecret {
  /** A short public handle for the UI and for revoking; a hash of the secret, never the secret. */
  id: string
  secret: Uint8Array
  createdAt: number
  expiresAt: number
  revoked?: boolean
}

export const INVITE_TTL_MS = 30 * 24 * 60 * 60 * 1000
/** Each live invite is one more set of slots every drain reads: a small bound keeps drains short. */
export const MAX_LIVE_INVITES = 10

export class InviteLimitError extends Error {
  override name = 'InviteLimitError'
  constructor () {
    super(`You have ${MAX_LIVE_INVITES} open invites, the most Murmur keeps. Revoke one in Settings, then make a new one.`)
  }
}

export class UnknownInviteError extends Error {
  override name = 'UnknownInviteError'
}

export function inviteIdOf (secret: Uint8Array): string {
  return toString(sha256(concat([utf8('murmur/invite-id/v1'), secret])).subarray(0, 8), 'hex')
}

export function isLiveInvite (invite: InviteSecret, now: number = Date.now()): boolean {
  return invite.revoked !== true && invite.expiresAt > now
}

/** Live invites, newest first (of two made in one millisecond, the one added last). */
export function liveInvites (list: readonly InviteSecret[], now: number = Date.now()): InviteSecret[] {
  return list.filter((i) => isLiveInvite(i, now)).reverse().sort((a, b) => b.createdAt - a.createdAt)
}

/** The invite a "copy invite" hands out: the newest live one, if any. */
export function currentInvite (list: readonly InviteSecret[], now: number = Date.now()): InviteSecret | undefined {
  return liveInvites(list, now)[0]
}

/**
 * The list with one new invite added (and invites no longer live dropped: their slots are
 * read no more, so nothing needs them). Throws InviteLimitError when MAX_LIVE_INVITES are live.
 */
export function addInvite (
  list: readonly InviteSecret[],
  now: number = Date.now(),
  random: (n: number) => Uint8Array = randomBytes,
  ttlMs: number = INVITE_TTL_MS
): { list: InviteSecret[], invite: InviteSecret } {
  const live = liveInvites(list, now)
  if (live.length >= MAX_LIVE_INVITES) throw new InviteLimitError()
  const secret = random(MAILBOX_SECRET_BYTES)
  const invite: InviteSecret = { id: inviteIdOf(secret), secret, createdAt: now, expiresAt: now + ttlMs }
  return { list: [...live.reverse(), invite], invite }
}

/** The list with invite `id` revoked; its slots are not read from now on. */
export function revokeInvite (list: readonly InviteSecret[], id: string): InviteSecret[] {
  if (!list.some((i) => i.id === id)) throw new UnknownInviteError(`No invite ${id}.`)
  return list.map((i) => (i.id === id ? { ...i, revoked: true } : i))
}
