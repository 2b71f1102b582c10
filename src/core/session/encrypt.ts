import { randomBytes, type RandomSource } from '../../crypto/index.ts'
import { decodeRatchetState, encodeRatchetState, initInitiator, ratchetEncrypt } from '../ratchet/index.ts'
import { encodeInitialMessage, x3dhInitiate, type PrekeyBundle } from '../x3dh/index.ts'
import { SessionError } from './errors.ts'
import { INITIAL_TAG, RATCHET_TAG, tagPayload } from './payload.ts'
import { MAX_SESSIONS_PER_CONTACT, type ContactSessions, type OwnSessionKeys, type SessionEntry } from './types.ts'

/** X3DH section 3.3: start a session from the contact's signed prekey bundle. */
export function startSession (ours: OwnSessionKeys, bundle: PrekeyBundle, now: number, random: RandomSource = randomBytes): SessionEntry {
  const { secrets, ephemeralPublic, ad } = x3dhInitiate({ identity: ours.identity, dh: ours.dh }, bundle, random)
  const state = initInitiator(secrets, bundle.prekey, random)
  return {
    ratchet: encodeRatchetState(state),
    ad,
    role: 'initiator',
    pending: { ephemeralPublic, prekeyId: bundle.prekeyId },
    theirDhIdentityKey: bundle.dhIdentityKey,
    createdAt: now
  }
}

/**
 * Encrypts one plaintext for a contact: on the active session, or on a new one started from
 * `bundle` when there is none. Returns the sessions to store BEFORE the payload leaves:
 * a message key must never be used twice, so the step is durable before anything is sent.
 */
export function encryptForContact (
  sessions: ContactSessions | undefined,
  bundle: PrekeyBundle | undefined,
  ours: OwnSessionKeys,
  plaintext: Uint8Array,
  now: number = Date.now(),
  random: RandomSource = randomBytes
): { sessions: ContactSessions, payload: Uint8Array } {
  let entries = sessions?.entries ?? []
  if (entries.length === 0) {
    if (bundle == null) throw new SessionError('needs-prekey', 'There is no session with this contact yet, and no prekey to start one.')
    entries = [startSession(ours, bundle, now, random)]
  }
  const active = entries[0]!
  const { state, message } = ratchetEncrypt(decodeRatchetState(active.ratchet), plaintext, active.ad, random)
  const updated: SessionEntry = { ...active, ratchet: encodeRatchetState(state) }
  const payload = active.pending == null
    ? tagPayload(RATCHET_TAG, message)
    : tagPayload(INITIAL_TAG, encodeInitialMessage({
      identityKey: ours.identity.publicKey,
      dhIdentityKey: ours.dh.publicKey,
      dhIdentitySignature: ours.dh.signature,
      ephemeralPublic: active.pending.ephemeralPublic,
      prekeyId: active.pending.prekeyId,
      ratchetMessage: message
    }))
  return { sessions: { entries: [updated, ...entries.slice(1, MAX_SESSIONS_PER_CONTACT)] }, payload }
}
