import { equals, fromString, toString } from 'uint8arrays'
import { dhPublicKey, randomBytes, type RandomSource } from '../../crypto/index.ts'
import {
  decodeRatchetState,
  encodeRatchetState,
  initResponder,
  ratchetDecryptSteps,
  runSteps,
  runStepsAsync,
  type X25519Steps
} from '../ratchet/index.ts'
import { checkAndRemember, decodeInitialMessage, hasSeen, x3dhRespond, type ReplayCache } from '../x3dh/index.ts'
import { encodeUserId } from '../user-id.ts'
import { SessionError } from './errors.ts'
import { INITIAL_TAG, untagPayload } from './payload.ts'
import { MAX_SESSIONS_PER_CONTACT, type ContactSessions, type OwnSessionKeys, type SessionEntry } from './types.ts'

export interface DecryptResult {
  sessions: ContactSessions
  replayCache: ReplayCache
  plaintext: Uint8Array
  /** The X25519 identity key the sender used: the app pins it and warns when it changes. */
  theirDhIdentityKey: Uint8Array
}

/**
 * Decrypts one session payload from `theirIdentityKey`. Pure: on any refusal it throws
 * (SessionError, or the ratchet's DecryptError) and the caller keeps its old sessions and
 * replay cache; on success it returns what to commit together with the decrypted message.
 */
export function decryptFromContact (
  sessions: ContactSessions | undefined,
  theirIdentityKey: Uint8Array,
  ours: OwnSessionKeys,
  replayCache: ReplayCache,
  payload: Uint8Array,
  now: number = Date.now(),
  random: RandomSource = randomBytes
): DecryptResult {
  return runSteps(decryptSteps(sessions, theirIdentityKey, ours, replayCache, payload, now, random))
}

/**
 * decryptFromContact with the ratchet's X25519 on WebCrypto where the platform has it (a
 * DH ratchet step drops from milliseconds to a fraction of one in Chromium): the same
 * results and errors. X3DH, on a session start only, stays on noble.
 */
export async function decryptFromContactAsync (
  sessions: ContactSessions | undefined,
  theirIdentityKey: Uint8Array,
  ours: OwnSessionKeys,
  replayCache: ReplayCache,
  payload: Uint8Array,
  now: number = Date.now(),
  random: RandomSource = randomBytes
): Promise<DecryptResult> {
  // The payload is read across awaits: a copy, so a caller reusing its buffer cannot change it midway.
  const copy = payload instanceof Uint8Array ? new Uint8Array(payload) : payload
  return await runStepsAsync(decryptSteps(sessions, theirIdentityKey, ours, replayCache, copy, now, random))
}

function * decryptSteps (
  sessions: ContactSessions | undefined,
  theirIdentityKey: Uint8Array,
  ours: OwnSessionKeys,
  replayCache: ReplayCache,
  payload: Uint8Array,
  now: number,
  random: RandomSource
): X25519Steps<DecryptResult> {
  const entries = sessions?.entries ?? []
  const { tag, body } = untagPayload(payload)
  if (tag !== INITIAL_TAG) {
    const result = yield * decryptOnExisting(entries, body, now, random)
    if (result == null) throw new SessionError('no-session', 'A message arrived that no session with this contact can read.')
    return { ...result, replayCache }
  }

  let initial
  try {
    initial = decodeInitialMessage(body)
  } catch (err) {
    throw new SessionError('malformed', 'A session start arrived malformed and was dropped.', { cause: err })
  }
  if (!equals(initial.identityKey, theirIdentityKey)) {
    throw new SessionError('wrong-sender', 'A session start named another sender than the one who sent it.')
  }
  const baseKey = `${initial.prekeyId}:${toString(initial.ephemeralPublic, 'hex')}`
  // The initiator repeats its X3DH header until it hears back: a session started from the
  // same header is the one to use, not a new one.
  const known = entries.findIndex((e) => e.baseKey === baseKey)
  if (known !== -1) {
    const result = yield * decryptOnExisting([entries[known]!], initial.ratchetMessage, now, random)
    if (result == null) throw new SessionError('no-session', 'A repeated session start could not be read.')
    const next = [...entries]
    next[known] = result.sessions.entries[0]!
    return { sessions: { entries: next }, replayCache, plaintext: result.plaintext, theirDhIdentityKey: result.theirDhIdentityKey }
  }

  const prekeySecret = ours.prekeys.get(initial.prekeyId)
  if (prekeySecret == null) throw new SessionError('unknown-prekey', 'A session start was made for a prekey this profile no longer holds.')
  if (hasSeen(replayCache, initial.prekeyId, initial.ephemeralPublic)) throw new SessionError('replay', 'A session start was replayed and was dropped.')
  // A newcomer's session needs no room in the cache: it recognises its own start while we
  // hold it. Only a session it pushes out (we keep a few per contact) must be remembered;
  // room for that is checked here, before any crypto, and taken only once it decrypted.
  const pushedOut = entries.slice(MAX_SESSIONS_PER_CONTACT - 1)
  const cache = rememberPushedOut(replayCache, pushedOut, toString(theirIdentityKey, 'hex'), ours.prekeys)
  const { secrets, ad } = x3dhRespond(
    { identity: ours.identity, dh: ours.dh, prekeySecret },
    { identityKey: initial.identityKey, dhIdentityKey: initial.dhIdentityKey, dhIdentitySignature: initial.dhIdentitySignature, ephemeralPublic: initial.ephemeralPublic }
  )
  const fresh = initResponder(secrets, { publicKey: dhPublicKey(prekeySecret), secretKey: prekeySecret })
  const opened = yield * ratchetDecryptSteps(fresh, initial.ratchetMessage, ad, now, random)
  const entry: SessionEntry = {
    ratchet: encodeRatchetState(opened.state),
    ad,
    role: 'responder',
    baseKey,
    theirDhIdentityKey: initial.dhIdentityKey,
    createdAt: now
  }
  return {
    sessions: { entries: placeNewSession(entries, entry, theirIdentityKey, ours.identity.publicKey) },
    replayCache: cache,
    plaintext: opened.plaintext,
    theirDhIdentityKey: initial.dhIdentityKey
  }
}

/**
 * The starts of sessions a new one pushes out, remembered for their sender (hex identity
 * key) while we hold their prekey's secret: with the session gone, only the cache stops a
 * replay of its start. Throws, changing nothing, when the sender or the cache has no room.
 */
function rememberPushedOut (cache: ReplayCache, pushedOut: SessionEntry[], owner: string, held: ReadonlyMap<number, Uint8Array>): ReplayCache {
  let next = cache
  for (const gone of pushedOut) {
    const start = parseBaseKey(gone.baseKey)
    if (start == null || !held.has(start.prekeyId)) continue
    const check = checkAndRemember(next, start.prekeyId, start.ephemeralPublic, owner)
    if (check.fresh) next = check.cache
    else if (check.reason === 'sender-quota') throw new SessionError('replay-quota', 'This contact started over too many times lately; the newest session start was dropped.')
    else if (check.reason === 'full') throw new SessionError('replay-cache-full', 'Too many contacts started over lately; this session start was dropped until older ones are forgotten.')
  }
  return next
}

/** `${prekeyId}:${hex ephemeral}` back to its parts; undefined for anything else. */
function parseBaseKey (baseKey: string | undefined): { prekeyId: number, ephemeralPublic: Uint8Array } | undefined {
  const match = baseKey == null ? null : /^(\d{1,10}):([0-9a-f]{64})$/.exec(baseKey)
  if (match == null) return undefined
  const prekeyId = Number(match[1])
  return Number.isSafeInteger(prekeyId) && prekeyId <= 0xffffffff ? { prekeyId, ephemeralPublic: fromString(match[2]!, 'hex') } : undefined
}

/**
 * Where a session the contact started goes. If both sides started one at the same time,
 * both must end up sending on the same one: the session started by the identity whose user
 * id sorts first wins. If ours was already answered, theirs is newer: they lost their
 * state and started over, so theirs becomes the one we send on.
 */
function placeNewSession (entries: SessionEntry[], entry: SessionEntry, theirs: Uint8Array, ours: Uint8Array): SessionEntry[] {
  const active = entries[0]
  const keepOurs = active?.pending != null && encodeUserId(ours) < encodeUserId(theirs)
  const ordered = keepOurs ? [active, entry, ...entries.slice(1)] : [entry, ...entries]
  return ordered.slice(0, MAX_SESSIONS_PER_CONTACT)
}

/** Tries each stored session in order; the first that reads the message is updated. */
function * decryptOnExisting (
  entries: SessionEntry[],
  message: Uint8Array,
  now: number,
  random: RandomSource
): X25519Steps<{ sessions: ContactSessions, plaintext: Uint8Array, theirDhIdentityKey: Uint8Array } | undefined> {
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!
    let opened
    try {
      opened = yield * ratchetDecryptSteps(decodeRatchetState(entry.ratchet), message, entry.ad, now, random)
    } catch {
      continue
    }
    // A reply proves the contact has this session: no need to repeat the X3DH header.
    const updated: SessionEntry = { ...entry, ratchet: encodeRatchetState(opened.state), pending: undefined }
    const next = [...entries]
    next[i] = updated
    // The contact sends on this one while ours was never answered: follow them.
    if (i > 0 && entries[0]!.pending != null) {
      next.splice(i, 1)
      next.unshift(updated)
    }
    return { sessions: { entries: next }, plaintext: opened.plaintext, theirDhIdentityKey: entry.theirDhIdentityKey }
  }
  return undefined
}
