import { concat } from 'uint8arrays'
import { assertBytes, dh, generateDhKeyPair, randomBytes, X25519_KEY_BYTES, type DhKeyPair, type RandomSource } from '../../crypto/index.ts'
import { EncryptError } from './errors.ts'
import { encryptHeader } from './header.ts'
import { kdfChain, kdfRoot, sealMessage } from './kdf.ts'
import { MAX_MESSAGE_NUMBER, MAX_RATCHET_PLAINTEXT_BYTES } from './limits.ts'
import { encodeRatchetMessage } from './message.ts'
import type { RatchetState } from './state.ts'

// Double Ratchet with header encryption, sections 4.4 (initialization) and 4.5 (sending).

/** What X3DH hands the ratchet: SK, shared_hka and shared_nhkb of section 4.4. */
export interface SharedSecrets {
  rootKey: Uint8Array
  /** shared_hka: the initiator's first sending header key. */
  headerKeyA: Uint8Array
  /** shared_nhkb: the responder's first sending header key, after its first DH step. */
  nextHeaderKeyB: Uint8Array
}

// Our own keys and X3DH's output come from our own code: a wrong length is a bug, not an attack.
function assertSecrets (secrets: SharedSecrets): void {
  assertBytes(secrets.rootKey, X25519_KEY_BYTES, 'secrets.rootKey')
  assertBytes(secrets.headerKeyA, X25519_KEY_BYTES, 'secrets.headerKeyA')
  assertBytes(secrets.nextHeaderKeyB, X25519_KEY_BYTES, 'secrets.nextHeaderKeyB')
}

/**
 * RatchetInitAliceHE: the initiator knows the responder's ratchet public key (X3DH's signed
 * prekey) and sends first. A low-order key throws WeakKeyError, as X3DH would have.
 */
export function initInitiator (secrets: SharedSecrets, theirRatchetPublic: Uint8Array, random: RandomSource = randomBytes): RatchetState {
  assertSecrets(secrets)
  assertBytes(theirRatchetPublic, X25519_KEY_BYTES, 'theirRatchetPublic')
  const dhSelf = generateDhKeyPair(random)
  const step = kdfRoot(secrets.rootKey, dh(dhSelf.secretKey, theirRatchetPublic))
  return {
    dhSelf,
    dhRemote: theirRatchetPublic.slice(),
    rootKey: step.rootKey,
    sendChainKey: step.chainKey,
    sendHeaderKey: secrets.headerKeyA.slice(),
    receiveChainKey: undefined,
    receiveHeaderKey: undefined,
    nextSendHeaderKey: step.nextHeaderKey,
    nextReceiveHeaderKey: secrets.nextHeaderKeyB.slice(),
    sendCount: 0,
    receiveCount: 0,
    previousSendCount: 0,
    dhSteps: 0,
    retiredHeaderKeys: [],
    skippedKeys: []
  }
}

/** RatchetInitBobHE: the responder waits for the initiator's first message before sending. */
export function initResponder (secrets: SharedSecrets, ourRatchetKeyPair: DhKeyPair): RatchetState {
  assertSecrets(secrets)
  assertBytes(ourRatchetKeyPair.publicKey, X25519_KEY_BYTES, 'ourRatchetKeyPair.publicKey')
  assertBytes(ourRatchetKeyPair.secretKey, X25519_KEY_BYTES, 'ourRatchetKeyPair.secretKey')
  return {
    dhSelf: { publicKey: ourRatchetKeyPair.publicKey.slice(), secretKey: ourRatchetKeyPair.secretKey.slice() },
    dhRemote: undefined,
    rootKey: secrets.rootKey.slice(),
    sendChainKey: undefined,
    sendHeaderKey: undefined,
    receiveChainKey: undefined,
    receiveHeaderKey: undefined,
    nextSendHeaderKey: secrets.nextHeaderKeyB.slice(),
    nextReceiveHeaderKey: secrets.headerKeyA.slice(),
    sendCount: 0,
    receiveCount: 0,
    previousSendCount: 0,
    dhSteps: 0,
    retiredHeaderKeys: [],
    skippedKeys: []
  }
}

/**
 * RatchetEncryptHE: one symmetric step of the sending chain. `ad` is bound to the message
 * (with the encrypted header) but not sent; the receiver must pass the same bytes.
 */
export function ratchetEncrypt (
  state: RatchetState,
  plaintext: Uint8Array,
  ad: Uint8Array,
  random: RandomSource = randomBytes
): { state: RatchetState, message: Uint8Array } {
  if (!(plaintext instanceof Uint8Array)) throw new TypeError('plaintext must be a Uint8Array')
  if (!(ad instanceof Uint8Array)) throw new TypeError('ad must be a Uint8Array')
  if (plaintext.length > MAX_RATCHET_PLAINTEXT_BYTES) throw new EncryptError('oversize')
  if (state.sendChainKey === undefined || state.sendHeaderKey === undefined) throw new EncryptError('not-ready')
  if (state.sendCount >= MAX_MESSAGE_NUMBER) throw new EncryptError('exhausted')
  const step = kdfChain(state.sendChainKey)
  const header = { dh: state.dhSelf.publicKey, pn: state.previousSendCount, n: state.sendCount }
  const encryptedHeader = encryptHeader(state.sendHeaderKey, header, random)
  // CONCAT(ad, header) of section 3.1: the encrypted header has a fixed length and comes last,
  // so ad ‖ encryptedHeader parses one way only, whatever ad holds.
  const ciphertext = sealMessage(step.messageKey, plaintext, concat([ad, encryptedHeader]))
  return {
    state: { ...state, sendChainKey: step.chainKey, sendCount: state.sendCount + 1 },
    message: encodeRatchetMessage({ encryptedHeader, ciphertext })
  }
}
