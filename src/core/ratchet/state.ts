import { equals } from 'uint8arrays'
import { X25519_KEY_BYTES, type DhKeyPair } from '../../crypto/index.ts'
import { Reader, Writer } from '../codec.ts'
import { DecodeError } from '../errors.ts'
import { MAX_RATCHET_STATE_BYTES, MAX_STORED_SKIPPED, SKIPPED_KEY_MAX_DH_STEPS } from './limits.ts'

// Double Ratchet sections 3.2 and 4.3 state variables under readable names, and how a session is
// stored. States are never changed in place: every step returns a new one.

/** A message key kept for a message that has not arrived yet (MKSKIPPED). */
export interface SkippedKey {
  readonly headerKey: Uint8Array
  readonly n: number
  readonly messageKey: Uint8Array
  /** When it was stored, in ms since the epoch. */
  readonly storedAt: number
  /** `dhSteps` when it was stored. */
  readonly dhStep: number
}

/** A receiving header key from an earlier chain, kept so a late copy is told apart from noise. */
export interface RetiredHeaderKey {
  readonly headerKey: Uint8Array
  readonly retiredAt: number
  /** `dhSteps` once it was retired. */
  readonly dhStep: number
}

export interface RatchetState {
  /** DHs */
  readonly dhSelf: Readonly<DhKeyPair>
  /** DHr; undefined until the responder reads a first message. */
  readonly dhRemote: Uint8Array | undefined
  /** RK */
  readonly rootKey: Uint8Array
  /** CKs, HKs: undefined for the responder until it has read a first message. */
  readonly sendChainKey: Uint8Array | undefined
  readonly sendHeaderKey: Uint8Array | undefined
  /** CKr, HKr: undefined until the first DH ratchet step on receiving. */
  readonly receiveChainKey: Uint8Array | undefined
  readonly receiveHeaderKey: Uint8Array | undefined
  /** NHKs, NHKr */
  readonly nextSendHeaderKey: Uint8Array
  readonly nextReceiveHeaderKey: Uint8Array
  /** Ns, Nr, PN */
  readonly sendCount: number
  readonly receiveCount: number
  readonly previousSendCount: number
  /** DH ratchet steps taken so far; skipped keys age by it. */
  readonly dhSteps: number
  /** Oldest first. */
  readonly retiredHeaderKeys: readonly RetiredHeaderKey[]
  /** Oldest first; every header key here is receiveHeaderKey or a retired one. */
  readonly skippedKeys: readonly SkippedKey[]
}

const STATE_VERSION = 1
const KEY = { max: X25519_KEY_BYTES, exact: X25519_KEY_BYTES }
// Ns and PN stay below 2^32 (the header field); Nr reaches 2^32 after message 2^32 - 1.
const MAX_COUNT = 2 ** 32

function writeOptional (w: Writer, key: Uint8Array | undefined): void {
  if (key === undefined) w.u8(0)
  else w.u8(1).bytes(key)
}

function readOptional (r: Reader, field: string): Uint8Array | undefined {
  const present = r.u8(field)
  if (present === 0) return undefined
  if (present !== 1) throw new DecodeError(field, 'presence flag must be 0 or 1')
  return r.bytes(field, KEY)
}

function readCount (r: Reader, field: string, max = MAX_COUNT): number {
  const n = r.uvarint(field)
  if (n > max) throw new DecodeError(field, `is ${n}, at most ${max} allowed`)
  return n
}

export function encodeRatchetState (state: RatchetState): Uint8Array {
  const w = new Writer()
    .u8(STATE_VERSION)
    .bytes(state.dhSelf.publicKey)
    .bytes(state.dhSelf.secretKey)
  writeOptional(w, state.dhRemote)
  w.bytes(state.rootKey)
  writeOptional(w, state.sendChainKey)
  writeOptional(w, state.sendHeaderKey)
  writeOptional(w, state.receiveChainKey)
  writeOptional(w, state.receiveHeaderKey)
  w.bytes(state.nextSendHeaderKey)
    .bytes(state.nextReceiveHeaderKey)
    .uvarint(state.sendCount)
    .uvarint(state.receiveCount)
    .uvarint(state.previousSendCount)
    .uvarint(state.dhSteps)
    .uvarint(state.retiredHeaderKeys.length)
  for (const retired of state.retiredHeaderKeys) {
    w.bytes(retired.headerKey).uvarint(retired.retiredAt).uvarint(retired.dhStep)
  }
  // A skipped key names its header key by index (0: the current receiving one, i + 1: the
  // i-th retired one): half the size, and no stored key can point at an unknown header key.
  const headerKeys = [state.receiveHeaderKey, ...state.retiredHeaderKeys.map((r) => r.headerKey)]
  w.uvarint(state.skippedKeys.length)
  for (const skipped of state.skippedKeys) {
    const index = headerKeys.findIndex((k) => k !== undefined && (k === skipped.headerKey || equals(k, skipped.headerKey)))
    if (index < 0) throw new TypeError('a skipped key is under a header key the state does not hold')
    w.uvarint(index).uvarint(skipped.n).bytes(skipped.messageKey).uvarint(skipped.storedAt).uvarint(skipped.dhStep)
  }
  return w.finish()
}

/** Reads a stored session; throws DecodeError naming the first field that is wrong. */
export function decodeRatchetState (bytes: Uint8Array): RatchetState {
  if (!(bytes instanceof Uint8Array)) throw new DecodeError('state', 'must be bytes')
  if (bytes.length > MAX_RATCHET_STATE_BYTES) throw new DecodeError('state', `is ${bytes.length} bytes, at most ${MAX_RATCHET_STATE_BYTES} allowed`)
  const r = new Reader(bytes)
  if (r.u8('version') !== STATE_VERSION) throw new DecodeError('version', 'unknown ratchet state version')
  const dhSelf = { publicKey: r.bytes('dhSelf.publicKey', KEY), secretKey: r.bytes('dhSelf.secretKey', KEY) }
  const dhRemote = readOptional(r, 'dhRemote')
  const rootKey = r.bytes('rootKey', KEY)
  const sendChainKey = readOptional(r, 'sendChainKey')
  const sendHeaderKey = readOptional(r, 'sendHeaderKey')
  if ((sendChainKey === undefined) !== (sendHeaderKey === undefined)) throw new DecodeError('sendHeaderKey', 'must be present exactly when sendChainKey is')
  const receiveChainKey = readOptional(r, 'receiveChainKey')
  const receiveHeaderKey = readOptional(r, 'receiveHeaderKey')
  if ((receiveChainKey === undefined) !== (receiveHeaderKey === undefined)) throw new DecodeError('receiveHeaderKey', 'must be present exactly when receiveChainKey is')
  const nextSendHeaderKey = r.bytes('nextSendHeaderKey', KEY)
  const nextReceiveHeaderKey = r.bytes('nextReceiveHeaderKey', KEY)
  const sendCount = readCount(r, 'sendCount', MAX_COUNT - 1)
  const receiveCount = readCount(r, 'receiveCount')
  const previousSendCount = readCount(r, 'previousSendCount', MAX_COUNT - 1)
  const dhSteps = r.uvarint('dhSteps')

  const retiredHeaderKeys: RetiredHeaderKey[] = []
  const retiredCount = r.count('retiredHeaderKeys', SKIPPED_KEY_MAX_DH_STEPS)
  for (let i = 0; i < retiredCount; i++) {
    const headerKey = r.bytes('retiredHeaderKeys.headerKey', KEY)
    const retiredAt = r.uvarint('retiredHeaderKeys.retiredAt')
    const dhStep = readCount(r, 'retiredHeaderKeys.dhStep', dhSteps)
    retiredHeaderKeys.push({ headerKey, retiredAt, dhStep })
  }

  const headerKeys = [receiveHeaderKey, ...retiredHeaderKeys.map((k) => k.headerKey)]
  const skippedKeys: SkippedKey[] = []
  const skippedCount = r.count('skippedKeys', MAX_STORED_SKIPPED)
  for (let i = 0; i < skippedCount; i++) {
    const headerKey = headerKeys[r.count('skippedKeys.headerKey', headerKeys.length - 1)]
    if (headerKey === undefined) throw new DecodeError('skippedKeys.headerKey', 'names the receiving header key, which is absent')
    const n = readCount(r, 'skippedKeys.n', MAX_COUNT - 1)
    const messageKey = r.bytes('skippedKeys.messageKey', KEY)
    const storedAt = r.uvarint('skippedKeys.storedAt')
    const dhStep = readCount(r, 'skippedKeys.dhStep', dhSteps)
    skippedKeys.push({ headerKey, n, messageKey, storedAt, dhStep })
  }
  r.done('state')
  return {
    dhSelf,
    dhRemote,
    rootKey,
    sendChainKey,
    sendHeaderKey,
    receiveChainKey,
    receiveHeaderKey,
    nextSendHeaderKey,
    nextReceiveHeaderKey,
    sendCount,
    receiveCount,
    previousSendCount,
    dhSteps,
    retiredHeaderKeys,
    skippedKeys
  }
}
