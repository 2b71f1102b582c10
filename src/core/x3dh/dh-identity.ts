import { concat } from 'uint8arrays'
import {
  generateDhKeyPair,
  randomBytes,
  sign,
  verifySignature,
  PUBLIC_KEY_BYTES,
  SIGNATURE_BYTES,
  type RandomSource
} from '../../crypto/index.ts'
import { utf8 } from '../codec.ts'
import type { Identity } from '../identity.ts'

// A profile's long-term X25519 key (X3DH's IK used for Diffie-Hellman), bound to its Ed25519
// identity key by a signature. Signal reuses one key for both jobs (XEdDSA); Murmur keeps two
// keys and signs the binding instead, so each key only ever does one kind of operation.

export const DH_KEY_BYTES = 32
const CONTEXT = 'murmur/dh-identity/v1'

export interface DhIdentity {
  publicKey: Uint8Array
  secretKey: Uint8Array
  /** Ed25519 signature by the identity key over utf8(CONTEXT) ‖ publicKey. */
  signature: Uint8Array
}

const bindingMessage = (dhPublicKey: Uint8Array): Uint8Array => concat([utf8(CONTEXT), dhPublicKey])

export function createDhIdentity (identity: Identity, random: RandomSource = randomBytes): DhIdentity {
  const pair = generateDhKeyPair(random)
  return { ...pair, signature: sign(identity.secretKey, bindingMessage(pair.publicKey)) }
}

/** Whether `dhPublicKey` belongs to the owner of `edPublicKey`. Garbage is `false`, never a throw. */
export function verifyDhIdentity (edPublicKey: Uint8Array, dhPublicKey: Uint8Array, signature: Uint8Array): boolean {
  if (!(edPublicKey instanceof Uint8Array) || edPublicKey.length !== PUBLIC_KEY_BYTES) return false
  if (!(dhPublicKey instanceof Uint8Array) || dhPublicKey.length !== DH_KEY_BYTES) return false
  if (!(signature instanceof Uint8Array) || signature.length !== SIGNATURE_BYTES) return false
  return verifySignature(signature, bindingMessage(dhPublicKey), edPublicKey)
}
