import { concat, equals } from 'uint8arrays'
import {
  isBytes,
  dh,
  dhPublicKey,
  generateDhKeyPair,
  hkdf,
  randomBytes,
  PUBLIC_KEY_BYTES,
  SIGNATURE_BYTES,
  type RandomSource
} from '../../crypto/index.ts'
import { utf8 } from '../codec.ts'
import type { Identity } from '../identity.ts'
import { DH_KEY_BYTES, verifyDhIdentity } from './dh-identity.ts'
import { X3dhError } from './errors.ts'
import { verifyPrekeyBundleSignature, type PrekeyBundle } from './prekey.ts'

// X3DH (Signal's X3DH spec, sections 2-4) without one-time prekeys: the session's first
// secrets from three Diffie-Hellman results, so that only the two identities, and only with
// the prekey secret the responder holds, can derive them. The keys feed the Double Ratchet
// with header encryption: the initiator sends under headerKeyA, and nextHeaderKeyB is the
// header key of the responder's first ratchet step.

const KDF_INFO = 'murmur/x3dh/v1'
const AD_CONTEXT = 'murmur/x3dh/ad/v1'
const SECRET_BYTES = 32
// X3DH section 2.2: for X25519, F is 32 0xFF bytes, so the KDF input can never be mistaken
// for that of an XEdDSA signature; the salt is a hash-length run of zeros.
const F = new Uint8Array(32).fill(0xff)
const SALT = new Uint8Array(32)

export interface X3dhSecrets {
  rootKey: Uint8Array
  /** The initiator's sending header key (the responder's receiving one). */
  headerKeyA: Uint8Array
  /** The header key the responder sends under after its first ratchet step. */
  nextHeaderKeyB: Uint8Array
}

export interface DhKeys {
  publicKey: Uint8Array
  secretKey: Uint8Array
}

/** What the responder learns from an initial message about its sender. */
export interface X3dhInitiatorInfo {
  identityKey: Uint8Array
  dhIdentityKey: Uint8Array
  dhIdentitySignature: Uint8Array
  ephemeralPublic: Uint8Array
}

function assertTheirs (value: unknown, length: number, field: string): void {
  if (!isBytes(value, length)) throw new X3dhError('malformed', `The ${field} is not a ${length}-byte key.`, { field })
}

// Our own keys come from our own storage: a bad one is a programming error, not an attack.
function assertOurs (identity: Identity, keys: DhKeys): void {
  if (!isBytes(identity.publicKey, PUBLIC_KEY_BYTES)) throw new TypeError(`identity.publicKey must be ${PUBLIC_KEY_BYTES} bytes`)
  if (!isBytes(keys.publicKey, DH_KEY_BYTES) || !isBytes(keys.secretKey, DH_KEY_BYTES)) {
    throw new TypeError(`dh keys must be ${DH_KEY_BYTES} bytes each`)
  }
  // A mismatched pair would derive secrets the other side never matches, silently.
  if (!equals(dhPublicKey(keys.secretKey), keys.publicKey)) throw new TypeError('dh.publicKey is not the public half of dh.secretKey')
}

function agree (secretKey: Uint8Array, publicKey: Uint8Array, field: string): Uint8Array {
  try {
    return dh(secretKey, publicKey)
  } catch (err) {
    if (err instanceof Error && err.name === 'WeakKeyError') {
      throw new X3dhError('weak-key', `The ${field} is a weak key that would give away the session; the session was not started.`, { field, cause: err })
    }
    throw err
  }
}

function deriveSecrets (dh1: Uint8Array, dh2: Uint8Array, dh3: Uint8Array): X3dhSecrets {
  const ikm = concat([F, dh1, dh2, dh3])
  const master = hkdf(ikm, SALT, KDF_INFO, 3 * SECRET_BYTES)
  const secrets = {
    rootKey: master.slice(0, SECRET_BYTES),
    headerKeyA: master.slice(SECRET_BYTES, 2 * SECRET_BYTES),
    nextHeaderKeyB: master.slice(2 * SECRET_BYTES)
  }
  // Best effort in JavaScript: no copy of the shared secrets outlives this call on our side.
  for (const b of [ikm, master, dh1, dh2, dh3]) b.fill(0)
  return secrets
}

/**
 * The other side's Ed25519 identity key, read from a session's associated data (which names
 * both, initiator first); undefined when `ad` is not X3DH associated data naming `ours`.
 */
export function peerIdentityOfAd (ad: Uint8Array, ours: Uint8Array): Uint8Array | undefined {
  const context = utf8(AD_CONTEXT)
  if (!(ad instanceof Uint8Array) || ad.length !== context.length + 2 * PUBLIC_KEY_BYTES + 2 * DH_KEY_BYTES) return undefined
  if (!equals(ad.subarray(0, context.length), context)) return undefined
  const initiator = ad.slice(context.length, context.length + PUBLIC_KEY_BYTES)
  const responder = ad.slice(context.length + PUBLIC_KEY_BYTES, context.length + 2 * PUBLIC_KEY_BYTES)
  if (equals(initiator, ours)) return responder
  return equals(responder, ours) ? initiator : undefined
}

/** X3DH section 3.3: associated data that binds both identities, both kinds of key, in a fixed order. */
function associatedData (initiatorEd: Uint8Array, responderEd: Uint8Array, initiatorDh: Uint8Array, responderDh: Uint8Array): Uint8Array {
  return concat([utf8(AD_CONTEXT), initiatorEd, responderEd, initiatorDh, responderDh])
}

/**
 * The initiator's side (X3DH section 3.3). The bundle is checked again here, signatures
 * included, so a bundle object changed after decodePrekeyBundle cannot start a session.
 * Expiry is decodePrekeyBundle's check: decode the bytes again when they were kept a while.
 */
export function x3dhInitiate (
  ours: { identity: Identity, dh: DhKeys },
  theirs: PrekeyBundle,
  random: RandomSource = randomBytes
): { secrets: X3dhSecrets, ephemeralPublic: Uint8Array, ad: Uint8Array } {
  assertOurs(ours.identity, ours.dh)
  assertTheirs(theirs.identityKey, PUBLIC_KEY_BYTES, 'identityKey')
  assertTheirs(theirs.dhIdentityKey, DH_KEY_BYTES, 'dhIdentityKey')
  assertTheirs(theirs.dhIdentitySignature, SIGNATURE_BYTES, 'dhIdentitySignature')
  assertTheirs(theirs.prekey, DH_KEY_BYTES, 'prekey')
  if (!verifyPrekeyBundleSignature(theirs)) {
    throw new X3dhError('signature', 'This prekey bundle is not signed by the identity it names.', { field: 'signature' })
  }
  if (!verifyDhIdentity(theirs.identityKey, theirs.dhIdentityKey, theirs.dhIdentitySignature)) {
    throw new X3dhError('signature', 'This prekey bundle\'s key agreement key is not signed by its identity.', { field: 'dhIdentitySignature' })
  }
  const ephemeral = generateDhKeyPair(random)
  try {
    const dh1 = agree(ours.dh.secretKey, theirs.prekey, 'prekey')
    const dh2 = agree(ephemeral.secretKey, theirs.dhIdentityKey, 'dhIdentityKey')
    const dh3 = agree(ephemeral.secretKey, theirs.prekey, 'prekey')
    return {
      secrets: deriveSecrets(dh1, dh2, dh3),
      ephemeralPublic: ephemeral.publicKey,
      ad: associatedData(ours.identity.publicKey, theirs.identityKey, ours.dh.publicKey, theirs.dhIdentityKey)
    }
  } finally {
    // X3DH section 3.3: the initiator deletes its ephemeral secret.
    ephemeral.secretKey.fill(0)
  }
}

/**
 * The responder's side (X3DH section 3.4), with the secret of the prekey the initial message
 * names. The initiator's X25519 key must be signed by its identity key: otherwise anyone
 * could start a session that claims to come from that identity.
 */
export function x3dhRespond (
  ours: { identity: Identity, dh: DhKeys, prekeySecret: Uint8Array },
  initiator: X3dhInitiatorInfo
): { secrets: X3dhSecrets, ad: Uint8Array } {
  assertOurs(ours.identity, ours.dh)
  if (!isBytes(ours.prekeySecret, DH_KEY_BYTES)) throw new TypeError(`prekeySecret must be ${DH_KEY_BYTES} bytes`)
  assertTheirs(initiator.identityKey, PUBLIC_KEY_BYTES, 'identityKey')
  assertTheirs(initiator.dhIdentityKey, DH_KEY_BYTES, 'dhIdentityKey')
  assertTheirs(initiator.dhIdentitySignature, SIGNATURE_BYTES, 'dhIdentitySignature')
  assertTheirs(initiator.ephemeralPublic, DH_KEY_BYTES, 'ephemeralPublic')
  if (!verifyDhIdentity(initiator.identityKey, initiator.dhIdentityKey, initiator.dhIdentitySignature)) {
    throw new X3dhError('signature', 'The sender\'s key agreement key is not signed by its identity.', { field: 'dhIdentitySignature' })
  }
  const dh1 = agree(ours.prekeySecret, initiator.dhIdentityKey, 'dhIdentityKey')
  const dh2 = agree(ours.dh.secretKey, initiator.ephemeralPublic, 'ephemeralPublic')
  const dh3 = agree(ours.prekeySecret, initiator.ephemeralPublic, 'ephemeralPublic')
  return {
    secrets: deriveSecrets(dh1, dh2, dh3),
    ad: associatedData(initiator.identityKey, ours.identity.publicKey, initiator.dhIdentityKey, ours.dh.publicKey)
  }
}
