import { concat } from 'uint8arrays'
import { randomBytes, WeakKeyError, type RandomSource } from '../../crypto/index.ts'
import { DecryptError } from './errors.ts'
import { decryptHeader, type Header } from './header.ts'
import { kdfChain, kdfRoot, openMessage } from './kdf.ts'
import { decodeRatchetMessage } from './message.ts'
import { pruneSkippedKeys, skipMessageKeys, takeSkippedKey } from './skipped-keys.ts'
import type { RatchetState } from './state.ts'
import { agree, generateKeyPair, runSteps, runStepsAsync, type X25519Steps } from './x25519-steps.ts'

// Double Ratchet with header encryption, section 4.6 (receiving). Every step below builds a
// new state; the caller's is never touched, so a refused message leaves it exactly as it was.
// It is written once as X25519Steps, run by ratchetDecrypt on noble and by ratchetDecryptAsync
// on WebCrypto.

function * agreeOrRefuse (secretKey: Uint8Array, publicKey: Uint8Array): X25519Steps<Uint8Array> {
  try {
    return yield * agree(secretKey, publicKey)
  } catch (err) {
    if (err instanceof WeakKeyError) throw new DecryptError('weak-key', { cause: err })
    throw err
  }
}

/**
 * DHRatchetHE, receiving half: the sender has a new ratchet key, so the receiving chain and
 * header keys move on. The sending half waits until the message has authenticated (a milder
 * form of section 6.5's deferral), so a message with a forged body costs one DH, not two
 * plus a key generation. The keys derived are the same as the spec's.
 */
function * receivingStep (state: RatchetState, header: Header, now: number): X25519Steps<RatchetState> {
  const dhSteps = state.dhSteps + 1
  const retiredHeaderKeys = state.receiveHeaderKey === undefined
    ? state.retiredHeaderKeys
    : [...state.retiredHeaderKeys, { headerKey: state.receiveHeaderKey, retiredAt: now, dhStep: dhSteps }]
  const received = kdfRoot(state.rootKey, yield * agreeOrRefuse(state.dhSelf.secretKey, header.dh))
  return {
    ...state,
    dhRemote: header.dh,
    rootKey: received.rootKey,
    sendHeaderKey: state.nextSendHeaderKey,
    receiveChainKey: received.chainKey,
    receiveHeaderKey: state.nextReceiveHeaderKey,
    nextReceiveHeaderKey: received.nextHeaderKey,
    sendCount: 0,
    receiveCount: 0,
    previousSendCount: state.sendCount,
    dhSteps,
    retiredHeaderKeys
  }
}

/** DHRatchetHE, sending half: a new ratchet key pair of ours and a new sending chain. */
function * sendingStep (state: RatchetState, random: RandomSource): X25519Steps<RatchetState> {
  const dhSelf = yield * generateKeyPair(random)
  const sent = kdfRoot(state.rootKey, yield * agreeOrRefuse(dhSelf.secretKey, state.dhRemote!))
  return { ...state, dhSelf, rootKey: sent.rootKey, sendChainKey: sent.chainKey, nextSendHeaderKey: sent.nextHeaderKey }
}

/** The next key of the current receiving chain, storing the keys of the messages before `n`. */
function nextReceivingKey (state: RatchetState, n: number, now: number): { state: RatchetState, messageKey: Uint8Array } {
  const skipped = skipMessageKeys(state, n, now)
  const step = kdfChain(skipped.receiveChainKey!)
  return { state: { ...skipped, receiveChainKey: step.chainKey, receiveCount: n + 1 }, messageKey: step.messageKey }
}

// Which key reads this message, and the state once it is used. The spec tries every skipped
// key's header key one by one; grouping them by header key gives the same answer with one
// header trial per chain (at most SKIPPED_KEY_MAX_DH_STEPS + 2) instead of one per stored key.
function * findMessageKey (
  state: RatchetState,
  encryptedHeader: Uint8Array,
  now: number
): X25519Steps<{ state: RatchetState, messageKey: Uint8Array, dhStep?: true }> {
  const current = state.receiveHeaderKey
  if (current !== undefined) {
    const header = decryptHeader(current, encryptedHeader)
    if (header !== undefined) {
      if (header.n >= state.receiveCount) return nextReceivingKey(state, header.n, now)
      const found = takeSkippedKey(state, current, header.n)
      if (found === undefined) throw new DecryptError('duplicate')
      return found
    }
  }
  // The next header key before the retired ones: every turn of a conversation starts a new
  // chain, and a failed header trial costs about 50 us (noble's AES-GCM key setup), so with
  // SKIPPED_KEY_MAX_DH_STEPS retired keys the other order spent 2-3 ms of each DH step here.
  // Only a holder of both keys can seal a header that opens under two of them.
  const header = decryptHeader(state.nextReceiveHeaderKey, encryptedHeader)
  if (header !== undefined) {
    const closed = skipMessageKeys(state, header.pn, now)
    return { ...nextReceivingKey(yield * receivingStep(closed, header, now), header.n, now), dhStep: true }
  }
  // Newest first: late messages are most often from the chain just before.
  for (let i = state.retiredHeaderKeys.length - 1; i >= 0; i--) {
    const { headerKey } = state.retiredHeaderKeys[i]!
    const header = decryptHeader(headerKey, encryptedHeader)
    if (header === undefined) continue
    const found = takeSkippedKey(state, headerKey, header.n)
    if (found === undefined) throw new DecryptError('duplicate')
    return found
  }
  throw new DecryptError('header')
}

/** RatchetDecryptHE, as X25519Steps: ratchetDecrypt and ratchetDecryptAsync run it. */
export function * ratchetDecryptSteps (
  state: RatchetState,
  message: Uint8Array,
  ad: Uint8Array,
  now: number,
  random: RandomSource
): X25519Steps<{ state: RatchetState, plaintext: Uint8Array }> {
  if (!(ad instanceof Uint8Array)) throw new TypeError('ad must be a Uint8Array')
  if (!Number.isSafeInteger(now) || now < 0) throw new TypeError(`now must be a time in ms since the epoch, got ${now}`)
  const { encryptedHeader, ciphertext } = decodeRatchetMessage(message)
  // Expired keys are gone before the message is matched, whether or not it is accepted.
  const found = yield * findMessageKey(pruneSkippedKeys(state, now), encryptedHeader, now)
  const plaintext = openMessage(found.messageKey, ciphertext, concat([ad, encryptedHeader]))
  if (plaintext === undefined) throw new DecryptError('auth')
  const next = found.dhStep === true ? yield * sendingStep(found.state, random) : found.state
  return { state: pruneSkippedKeys(next, now), plaintext }
}

/**
 * RatchetDecryptHE. Throws DecryptError and leaves `state` as it was when the message is
 * refused; on success the returned state has used the message key, so the same message is
 * refused as 'duplicate' next time. `random` is needed for the new ratchet key pair of a DH step.
 */
export function ratchetDecrypt (
  state: RatchetState,
  message: Uint8Array,
  ad: Uint8Array,
  now: number = Date.now(),
  random: RandomSource = randomBytes
): { state: RatchetState, plaintext: Uint8Array } {
  return runSteps(ratchetDecryptSteps(state, message, ad, now, random))
}

/**
 * ratchetDecrypt with its X25519 on WebCrypto where the platform has it (a DH step is two
 * agreements and a public key): the same results, errors and untouched `state` on refusal.
 */
export async function ratchetDecryptAsync (
  state: RatchetState,
  message: Uint8Array,
  ad: Uint8Array,
  now: number = Date.now(),
  random: RandomSource = randomBytes
): Promise<{ state: RatchetState, plaintext: Uint8Array }> {
  // The bytes are read across awaits: copies, so a caller reusing its buffers cannot change them midway.
  return await runStepsAsync(ratchetDecryptSteps(state, copyBytes(message), copyBytes(ad), now, random))
}

const copyBytes = (bytes: Uint8Array): Uint8Array => bytes instanceof Uint8Array ? new Uint8Array(bytes) : bytes
