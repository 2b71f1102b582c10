import type { Identity } from '../identity.ts'
import type { DhIdentity } from '../x3dh/dh-identity.ts'

/**
 * One Double Ratchet session with a contact, as stored. A contact can have a few at once
 * (both sides started one at the same moment, or one side lost its state and started
 * over): the first is the one we send on, the others still decrypt what was sent on them.
 */
export interface SessionEntry {
  /** encodeRatchetState bytes. */
  ratchet: Uint8Array
  /** X3DH associated data: both identities, bound to every message. */
  ad: Uint8Array
  role: 'initiator' | 'responder'
  /**
   * An initiator that has not read a reply yet wraps every message in the X3DH header,
   * so the responder can start the session from whichever message arrives first.
   */
  pending?: { ephemeralPublic: Uint8Array, prekeyId: number }
  /** A responder: `${prekeyId}:${hex ephemeral}` it was started from, to recognise repeats. */
  baseKey?: string
  /** The contact's X25519 identity key this session was agreed with. */
  theirDhIdentityKey: Uint8Array
  createdAt: number
}

export interface ContactSessions {
  entries: SessionEntry[]
}

/** What we hold to start and answer sessions. */
export interface OwnSessionKeys {
  identity: Identity
  dh: DhIdentity
  /** Secrets of our current and retired (still in grace) signed prekeys, by id. */
  prekeys: ReadonlyMap<number, Uint8Array>
}

export const MAX_SESSIONS_PER_CONTACT = 3
