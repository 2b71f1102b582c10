import { generateDhKeyPair, randomBytes, type RandomSource } from '../../crypto/index.ts'
import type { Identity } from '../identity.ts'
import type { DhIdentity } from './dh-identity.ts'
import { decodePrekeyBundle, encodePrekeyBundle, PREKEY_ID_MAX, PREKEY_MAX_FUTURE_MS, type PrekeyBundle } from './prekey.ts'
import { REPLAY_ROTATE_AT } from './replay-cache.ts'

// When to replace the signed prekey and when to forget the old ones (X3DH section 4.4 leaves
// the period to the application). Pure: the shell keeps the secrets and asks these questions.

const DAY = 24 * 60 * 60 * 1000
export const PREKEY_ROTATE_MS = 7 * DAY
/**
 * A retired prekey's secret is kept this long for initial messages that were sent to it
 * (from a cached DHT record, an invite, or an offline mailbox) before they arrive.
 */
export const PREKEY_GRACE_MS = 14 * DAY
/**
 * A new bundle's lifetime. Rotated on time, a prekey is retired at createdAt + ROTATE at the
 * earliest, and its secret kept GRACE after that, so the secret outlives every copy of the
 * bundle that anyone may still use to start a session.
 */
export const PREKEY_TTL_MS = PREKEY_ROTATE_MS + PREKEY_GRACE_MS

export interface RetiredPrekey {
  prekeyId: number
  retiredAt: number
}

/**
 * True when there is no current prekey, it is a week old, it is dated so far ahead (the
 * clock was set back) that every validator would refuse the bundle as from the future, or
 * its share of the replay cache (`replayEntries`) is filling: someone keeps starting over
 * with it, and a fresh one gives honest contacts who start over a fresh share.
 */
export function prekeyNeedsRotation (current: { createdAt: number } | undefined, now: number = Date.now(), replayEntries = 0): boolean {
  if (current === undefined) return true
  return now - current.createdAt >= PREKEY_ROTATE_MS || current.createdAt > now + PREKEY_MAX_FUTURE_MS || replayEntries >= REPLAY_ROTATE_AT
}

/** The ids of retired prekeys whose grace period is over: drop their secrets (and forgetPrekey). */
export function retiredPrekeysToDrop (retired: readonly RetiredPrekey[], now: number = Date.now()): number[] {
  return retired.filter((r) => now - r.retiredAt >= PREKEY_GRACE_MS).map((r) => r.prekeyId)
}

/** The id after `previous`, wrapping within 32 bits; ids only need to differ from the few kept. */
export function nextPrekeyId (previous: number): number {
  return previous >= PREKEY_ID_MAX ? 0 : previous + 1
}

/** A fresh signed prekey: the record to publish, its decoded bundle, and the secret to keep. */
export function createSignedPrekey (
  identity: Identity,
  dhIdentity: Pick<DhIdentity, 'publicKey' | 'signature'>,
  prekeyId: number,
  now: number = Date.now(),
  random: RandomSource = randomBytes
): { record: Uint8Array, bundle: PrekeyBundle, secretKey: Uint8Array } {
  const pair = generateDhKeyPair(random)
  const record = encodePrekeyBundle(identity, {
    dhIdentityKey: dhIdentity.publicKey,
    dhIdentitySignature: dhIdentity.signature,
    prekeyId,
    prekey: pair.publicKey,
    createdAt: now,
    expiresAt: now + PREKEY_TTL_MS
  })
  return { record, bundle: decodePrekeyBundle(record, now), secretKey: pair.secretKey }
}
