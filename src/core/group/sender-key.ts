import { equals } from 'uint8arrays'
import {
  aesGcmOpen,
  aesGcmSeal,
  generateSigningKeyPair,
  hkdf,
  hmacSha256,
  randomBytes,
  sign,
  verifySignature,
  type RandomSource,
  type SigningKeyPair
} from '../../crypto/index.ts'
import { Writer } from '../codec.ts'
import { GroupDecryptError, GroupEncryptError } from './errors.ts'
import { MAX_GROUP_PLAINTEXT_BYTES, MAX_ITERATION, MAX_SKIP, MAX_STORED_SKIPPED, SENDER_KEY_MAX_AGE_MS, SENDER_KEY_MAX_MESSAGES } from './limits.ts'
import {
  CHAIN_KEY_BYTES,
  decodeGroupCipherMessage,
  decodeSenderKeyDistribution,
  encodeSenderKeyDistribution,
  encodeUnsignedGroupMessage
} from './sender-key-wire.ts'

// Sender keys: each member encrypts to the whole group once, with a symmetric chain of their
// own, instead of once per member over the 1:1 sessions. Every member receives the chain key
// (at its current iteration) and the public half of a signing key over those sessions.
//
// The chain is one-way (message key = HMAC(ck, 0x01), next ck = HMAC(ck, 0x02), as KDF_CK of
// the Double Ratchet), so whoever holds ck at iteration k reads messages k, k+1, ... but no
// earlier one. Every member holds the chain key, so the AEAD alone would let any of them forge
// a message "from" this sender; the Ed25519 signature is what proves authorship.
//
// Rotation is the app's: when a member is removed, every remaining member creates a new sender
// key and distributes it over the 1:1 sessions to the remaining members only. The removed
// member still holds the old chains, but nobody sends on them any more, and they never get
// the new chain keys, so they cannot read (nor, lacking the new signing keys, forge) anything
// sent afterwards.

const MESSAGE_INFO = 'murmur/group/message-key/v1'
const SIGNATURE_CONTEXT = 'murmur/group/message/v1'
const MESSAGE_KEY_CONSTANT = Uint8Array.of(0x01)
const CHAIN_KEY_CONSTANT = Uint8Array.of(0x02)
const KEY_BYTES = 32
const NONCE_BYTES = 12

/** Our own sender key for one group. */
export interface SenderKey {
  readonly chainKey: Uint8Array
  /** The iteration of the next message we send. */
  readonly iteration: number
  readonly signing: SigningKeyPair
}

/** What we keep to read one other member's sender key. */
export interface SenderKeyReceiver {
  readonly chainKey: Uint8Array
  /** The iteration `chainKey` derives the key of. */
  readonly iteration: number
  /** The iteration the distribution came at: earlier messages cannot be read. */
  readonly firstIteration: number
  readonly signingPublicKey: Uint8Array
  /** Keys of messages skipped over, oldest first, at most MAX_STORED_SKIPPED. */
  readonly skipped: readonly SkippedGroupKey[]
}

export interface SkippedGroupKey {
  readonly iteration: number
  readonly messageKey: Uint8Array
}

function chainStep (chainKey: Uint8Array): { chainKey: Uint8Array, messageKey: Uint8Array } {
  return { chainKey: hmacSha256(chainKey, CHAIN_KEY_CONSTANT), messageKey: hmacSha256(chainKey, MESSAGE_KEY_CONSTANT) }
}

// Each message key seals exactly one message, so a nonce derived from it never repeats under its key.
function messageCipher (messageKey: Uint8Array): { key: Uint8Array, nonce: Uint8Array } {
  const out = hkdf(messageKey, undefined, MESSAGE_INFO, KEY_BYTES + NONCE_BYTES)
  return { key: out.subarray(0, KEY_BYTES), nonce: out.subarray(KEY_BYTES) }
}

// The AEAD also binds the header fields, so a ciphertext cannot be moved under another
// iteration or key even before the signature is looked at.
const aeadData = (ad: Uint8Array, signingPublicKey: Uint8Array, iteration: number): Uint8Array =>
  new Writer().bytes(ad).bytes(signingPublicKey).uvarint(iteration).finish()

// Domain-separated, and the ad is length-prefixed, so ad ‖ message splits one way only.
const signedData = (ad: Uint8Array, unsigned: Uint8Array): Uint8Array =>
  new Writer().string(SIGNATURE_CONTEXT).bytes(ad).bytes(unsigned).finish()

export function createSenderKey (random: RandomSource = randomBytes): SenderKey {
  const chainKey = Uint8Array.from(random(CHAIN_KEY_BYTES))
  if (chainKey.length !== CHAIN_KEY_BYTES) throw new TypeError(`random source returned ${chainKey.length} bytes, not ${CHAIN_KEY_BYTES}`)
  return { chainKey, iteration: 0, signing: generateSigningKeyPair(random) }
}

/** What goes to each member over the 1:1 session: they can read what we send from now on. */
export function senderKeyDistribution (senderKey: SenderKey): Uint8Array {
  return encodeSenderKeyDistribution({ chainKey: senderKey.chainKey, iteration: senderKey.iteration, signingPublicKey: senderKey.signing.publicKey })
}

/** A receiver state from a distribution; throws InvalidSenderKeyError on bytes that are not one. */
export function receiveSenderKeyDistribution (bytes: Uint8Array): SenderKeyReceiver {
  const d = decodeSenderKeyDistribution(bytes)
  return { chainKey: d.chainKey, iteration: d.iteration, firstIteration: d.iteration, signingPublicKey: d.signingPublicKey, skipped: [] }
}

export function encryptGroupMessage (
  senderKey: SenderKey,
  plaintext: Uint8Array,
  ad: Uint8Array
): { senderKey: SenderKey, message: Uint8Array } {
  if (!(plaintext instanceof Uint8Array)) throw new TypeError('plaintext must be a Uint8Array')
  if (!(ad instanceof Uint8Array)) throw new TypeError('ad must be a Uint8Array')
  if (plaintext.length > MAX_GROUP_PLAINTEXT_BYTES) throw new GroupEncryptError('oversize')
  const { iteration } = senderKey
  if (iteration > MAX_ITERATION) throw new GroupEncryptError('exhausted')
  const step = chainStep(senderKey.chainKey)
  const { key, nonce } = messageCipher(step.messageKey)
  const signingPublicKey = senderKey.signing.publicKey
  const ciphertext = aesGcmSeal(key, nonce, plaintext, aeadData(ad, signingPublicKey, iteration))
  const unsigned = encodeUnsignedGroupMessage({ signingPublicKey, iteration, ciphertext })
  const signature = sign(senderKey.signing.secretKey, signedData(ad, unsigned))
  const message = new Uint8Array(unsigned.length + signature.length)
  message.set(unsigned)
  message.set(signature, unsigned.length)
  return { senderKey: { ...senderKey, chainKey: step.chainKey, iteration: iteration + 1 }, message }
}

/**
 * Refuses, before any expensive work, an iteration this state can never read: earlier than the
 * distribution, used already (or dropped), or too far ahead. Gossip delivers copies, so a
 * replay should cost a lookup, not a signature verification.
 */
function assertReadable (state: SenderKeyReceiver, iteration: number): void {
  if (iteration < state.iteration) {
    if (iteration < state.firstIteration) throw new GroupDecryptError('before-distribution', { field: 'iteration' })
    if (!state.skipped.some((k) => k.iteration === iteration)) throw new GroupDecryptError('duplicate', { field: 'iteration' })
  } else if (iteration - state.iteration > MAX_SKIP) {
    // Double Ratchet section 3.1's MAX_SKIP: a sender must not make us derive and hold an
    // unbounded number of keys.
    throw new GroupDecryptError('too-many-skipped', { field: 'iteration' })
  }
}

/** The key for a readable `iteration` and the state once it is used. */
function takeMessageKey (state: SenderKeyReceiver, iteration: number): { state: SenderKeyReceiver, messageKey: Uint8Array } {
  if (iteration < state.iteration) {
    const at = state.skipped.findIndex((k) => k.iteration === iteration)
    return { state: { ...state, skipped: state.skipped.filter((_, i) => i !== at) }, messageKey: state.skipped[at]!.messageKey }
  }
  const added: SkippedGroupKey[] = []
  let chainKey = state.chainKey
  for (let i = state.iteration; i < iteration; i++) {
    const step = chainStep(chainKey)
    added.push({ iteration: i, messageKey: step.messageKey })
    chainKey = step.chainKey
  }
  const step = chainStep(chainKey)
  const skipped = [...state.skipped, ...added].slice(-MAX_STORED_SKIPPED)
  return { state: { ...state, chainKey: step.chainKey, iteration: iteration + 1, skipped }, messageKey: step.messageKey }
}

/**
 * Reads one member's group message. Throws GroupDecryptError, leaving `receiverState` as it
 * was, when the message is refused; on success the returned state has used the key, so the
 * same message is refused as 'duplicate' next time. Cheap checks come first, then the
 * signature, and only then are keys derived: a forged message costs one verification, not up
 * to MAX_SKIP chain steps.
 */
export function decryptGroupMessage (
  receiverState: SenderKeyReceiver,
  message: Uint8Array,
  ad: Uint8Array
): { receiverState: SenderKeyReceiver, plaintext: Uint8Array } {
  if (!(ad instanceof Uint8Array)) throw new TypeError('ad must be a Uint8Array')
  const m = decodeGroupCipherMessage(message)
  if (!equals(m.signingPublicKey, receiverState.signingPublicKey)) throw new GroupDecryptError('wrong-key', { field: 'signingPublicKey' })
  assertReadable(receiverState, m.iteration)
  if (!verifySignature(m.signature, signedData(ad, m.signed), receiverState.signingPublicKey)) {
    throw new GroupDecryptError('signature', { field: 'signature' })
  }
  const found = takeMessageKey(receiverState, m.iteration)
  const { key, nonce } = messageCipher(found.messageKey)
  const plaintext = aesGcmOpen(key, nonce, m.ciphertext, aeadData(ad, m.signingPublicKey, m.iteration))
  if (plaintext === undefined) throw new GroupDecryptError('auth', { field: 'ciphertext' })
  return { receiverState: found.state, plaintext }
}

/**
 * Whether `message` was signed with `signingPublicKey` over `ad`, without reading it. A member
 * who joined later (whose receiver state starts after the message) can still tell that an
 * earlier message in the history is genuine. False on garbage, never a throw.
 */
export function verifyGroupMessage (signingPublicKey: Uint8Array, message: Uint8Array, ad: Uint8Array): boolean {
  if (!(ad instanceof Uint8Array)) return false
  let m
  try {
    m = decodeGroupCipherMessage(message)
  } catch {
    return false
  }
  return equals(m.signingPublicKey, signingPublicKey) && verifySignature(m.signature, signedData(ad, m.signed), signingPublicKey)
}

/** The signing public key a group message claims, to pick the receiver state (or undefined on garbage). */
export function groupMessageSigningKey (message: Uint8Array): Uint8Array | undefined {
  try {
    return decodeGroupCipherMessage(message).signingPublicKey
  } catch {
    return undefined
  }
}

/**
 * Periodic rotation: a chain that has carried many messages, or lived long, is replaced, so
 * a key taken from one member's device reads a bounded stretch of the group.
 */
export function senderKeyNeedsRotation (key: { iteration: number }, createdAt: number, now: number): boolean {
  return key.iteration >= SENDER_KEY_MAX_MESSAGES || now - createdAt >= SENDER_KEY_MAX_AGE_MS
}
