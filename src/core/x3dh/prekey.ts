import { equals } from 'uint8arrays'
import { isBytes, PUBLIC_KEY_BYTES, SIGNATURE_BYTES } from '../../crypto/index.ts'
import { Reader, Writer, utf8 } from '../codec.ts'
import { DecodeError, InvalidRecordError } from '../errors.ts'
import type { Identity } from '../identity.ts'
import { appendSignature, hasValidSignature, splitSignature } from '../signed-record.ts'
import { encodeUserId } from '../user-id.ts'
import { DH_KEY_BYTES, verifyDhIdentity } from './dh-identity.ts'

/**
 * A signed prekey bundle (X3DH section 3.2, without one-time prekeys): what someone needs to
 * start a session with this identity while it is offline. Kept in the DHT under the
 * identity's prekey key, and carried in invites.
 */
export interface PrekeyBundle {
  /** Ed25519 identity key; it signs the whole record. */
  identityKey: Uint8Array
  /** Long-term X25519 identity key, bound to identityKey by dhIdentitySignature. */
  dhIdentityKey: Uint8Array
  dhIdentitySignature: Uint8Array
  prekeyId: number
  /** X25519 signed prekey (X3DH's SPK). */
  prekey: Uint8Array
  createdAt: number
  expiresAt: number
  /** The record's Ed25519 signature, kept so that x3dhInitiate can check the bundle again. */
  signature: Uint8Array
}

export type PrekeyBundleFields = Omit<PrekeyBundle, 'identityKey' | 'signature'>

export const PREKEY_NAMESPACE = 'murmur-prekey'
export const PREKEY_MAX_BYTES = 1024
export const PREKEY_ID_MAX = 2 ** 32 - 1
/** Clocks drift; a bundle dated further ahead than this was not made by an honest clock. */
export const PREKEY_MAX_FUTURE_MS = 10 * 60 * 1000
/** Nobody may park a bundle in other people's DHT storage for longer than this. */
export const PREKEY_MAX_TTL_MS = 30 * 24 * 60 * 60 * 1000
const PREKEY_VERSION = 1
const CONTEXT = 'murmur/prekey/v1'

const MESSAGES = {
  malformed: 'This prekey bundle is malformed.',
  oversize: `This prekey bundle is larger than ${PREKEY_MAX_BYTES} bytes.`,
  signature: 'This prekey bundle is not signed by the identity it names.',
  expired: 'This prekey bundle has expired.',
  'too-far-future': 'This prekey bundle is dated in the future or claims to stay valid for longer than 30 days.',
  'wrong-key': 'This prekey bundle is stored under another identity\'s key.'
} as const

const reject = (reason: keyof typeof MESSAGES, field: string, cause?: unknown): InvalidRecordError =>
  new InvalidRecordError(reason, MESSAGES[reason], { field, cause })

export function prekeyKey (edPublicKey: Uint8Array): Uint8Array {
  return utf8(`/${PREKEY_NAMESPACE}/${encodeUserId(edPublicKey)}`)
}

const isTime = (n: number): boolean => Number.isSafeInteger(n) && n >= 0

function writeBody (identityKey: Uint8Array, f: PrekeyBundleFields): Uint8Array {
  return new Writer()
    .u8(PREKEY_VERSION)
    .bytes(identityKey)
    .bytes(f.dhIdentityKey)
    .bytes(f.dhIdentitySignature)
    .uvarint(f.prekeyId)
    .bytes(f.prekey)
    .uvarint(f.createdAt)
    .uvarint(f.expiresAt)
    .finish()
}

/** Signs a prekey bundle; refuses one that other nodes' validators would reject whatever the time. */
export function encodePrekeyBundle (identity: Identity, fields: PrekeyBundleFields): Uint8Array {
  if (!isBytes(fields.dhIdentityKey, DH_KEY_BYTES)) throw reject('malformed', 'dhIdentityKey')
  if (!isBytes(fields.dhIdentitySignature, SIGNATURE_BYTES)) throw reject('malformed', 'dhIdentitySignature')
  if (!Number.isSafeInteger(fields.prekeyId) || fields.prekeyId < 0 || fields.prekeyId > PREKEY_ID_MAX) throw reject('malformed', 'prekeyId')
  if (!isBytes(fields.prekey, DH_KEY_BYTES)) throw reject('malformed', 'prekey')
  if (!isTime(fields.createdAt)) throw reject('malformed', 'createdAt')
  if (!isTime(fields.expiresAt) || fields.expiresAt <= fields.createdAt) throw reject('malformed', 'expiresAt')
  if (fields.expiresAt - fields.createdAt > PREKEY_MAX_TTL_MS) throw reject('too-far-future', 'expiresAt')
  if (!verifyDhIdentity(identity.publicKey, fields.dhIdentityKey, fields.dhIdentitySignature)) {
    throw reject('signature', 'dhIdentitySignature')
  }
  const record = appendSignature(identity, CONTEXT, writeBody(identity.publicKey, fields))
  if (record.length > PREKEY_MAX_BYTES) throw reject('oversize', 'record')
  return record
}

function parseBody (body: Uint8Array): Omit<PrekeyBundle, 'signature'> {
  const r = new Reader(body)
  if (r.u8('version') !== PREKEY_VERSION) throw new DecodeError('version', 'unknown prekey bundle version')
  const identityKey = r.bytes('identityKey', { max: PUBLIC_KEY_BYTES, exact: PUBLIC_KEY_BYTES })
  const dhIdentityKey = r.bytes('dhIdentityKey', { max: DH_KEY_BYTES, exact: DH_KEY_BYTES })
  const dhIdentitySignature = r.bytes('dhIdentitySignature', { max: SIGNATURE_BYTES, exact: SIGNATURE_BYTES })
  const prekeyId = r.uvarint('prekeyId')
  if (prekeyId > PREKEY_ID_MAX) throw new DecodeError('prekeyId', `is larger than ${PREKEY_ID_MAX}`)
  const prekey = r.bytes('prekey', { max: DH_KEY_BYTES, exact: DH_KEY_BYTES })
  const createdAt = r.uvarint('createdAt')
  const expiresAt = r.uvarint('expiresAt')
  r.done('prekey bundle')
  if (expiresAt <= createdAt) throw new DecodeError('expiresAt', 'is not after createdAt')
  return { identityKey, dhIdentityKey, dhIdentitySignature, prekeyId, prekey, createdAt, expiresAt }
}

/**
 * Whether the record signature of an already decoded bundle still holds, so that a bundle
 * object changed after decoding is caught (the dh identity binding is verifyDhIdentity's job).
 */
export function verifyPrekeyBundleSignature (bundle: PrekeyBundle): boolean {
  let body: Uint8Array
  try {
    body = writeBody(bundle.identityKey, bundle)
  } catch {
    return false
  }
  return hasValidSignature(CONTEXT, body, bundle.signature, bundle.identityKey)
}

/** Decodes and fully checks a prekey bundle from the DHT or an invite. */
export function decodePrekeyBundle (bytes: Uint8Array, now: number = Date.now()): PrekeyBundle {
  if (!(bytes instanceof Uint8Array)) throw reject('malformed', 'record')
  if (bytes.length > PREKEY_MAX_BYTES) throw reject('oversize', 'record')
  const parts = splitSignature(bytes)
  if (parts === undefined) throw reject('malformed', 'signature')
  let fields: Omit<PrekeyBundle, 'signature'>
  try {
    fields = parseBody(parts.body)
  } catch (err) {
    if (err instanceof DecodeError) throw reject('malformed', err.field, err)
    throw err
  }
  // Cheap checks first, the signatures last.
  if (fields.expiresAt <= now) throw reject('expired', 'expiresAt')
  if (fields.createdAt > now + PREKEY_MAX_FUTURE_MS) throw reject('too-far-future', 'createdAt')
  if (fields.expiresAt > now + PREKEY_MAX_TTL_MS) throw reject('too-far-future', 'expiresAt')
  if (!hasValidSignature(CONTEXT, parts.body, parts.signature, fields.identityKey)) throw reject('signature', 'signature')
  if (!verifyDhIdentity(fields.identityKey, fields.dhIdentityKey, fields.dhIdentitySignature)) {
    throw reject('signature', 'dhIdentitySignature')
  }
  return { ...fields, signature: parts.signature.slice() }
}

function decodeUnderKey (key: Uint8Array, value: Uint8Array, now: number): PrekeyBundle {
  const bundle = decodePrekeyBundle(value, now)
  if (!(key instanceof Uint8Array) || !equals(key, prekeyKey(bundle.identityKey))) throw reject('wrong-key', 'key')
  return bundle
}

/** The DHT validator: a valid bundle, stored under its own identity's prekey key. */
export function validatePrekeyRecord (key: Uint8Array, value: Uint8Array, now: number = Date.now()): void {
  decodeUnderKey(key, value, now)
}

/**
 * The DHT selector: the index of the valid bundle created last; on a tie the higher prekeyId,
 * then the first one, so the choice is stable. Invalid records never win; with none valid, 0,
 * because kad-dht needs an index and will validate that record itself anyway.
 */
export function selectPrekey (key: Uint8Array, values: Uint8Array[], now: number = Date.now()): number {
  let best = 0
  let bestBundle: { createdAt: number, prekeyId: number } | undefined
  values.forEach((value, index) => {
    let bundle: PrekeyBundle
    try {
      bundle = decodeUnderKey(key, value, now)
    } catch (err) {
      if (err instanceof InvalidRecordError) return
      throw err
    }
    const newer = bestBundle === undefined ||
      bundle.createdAt > bestBundle.createdAt ||
      (bundle.createdAt === bestBundle.createdAt && bundle.prekeyId > bestBundle.prekeyId)
    if (newer) {
      best = index
      bestBundle = bundle
    }
  })
  return best
}
