import { generateSigningKeyPair, randomBytes, type RandomSource } from '../crypto/index.ts'

/** A profile's long-term Ed25519 signing key; the user id is derived from its public half. */
export interface Identity {
  publicKey: Uint8Array
  secretKey: Uint8Array
}

export function createIdentity (random: RandomSource = randomBytes): Identity {
  return generateSigningKeyPair(random)
}
