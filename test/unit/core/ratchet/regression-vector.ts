import { dhPublicKey, type RandomSource } from '../../../../src/crypto/index.ts'
import { initInitiator, initResponder, ratchetDecrypt, ratchetEncrypt } from '../../../../src/core/ratchet/index.ts'

// Inputs of our own regression vector (not a published one): fixed secrets and random
// streams, so any change to the KDFs, header layout, nonce use or message framing changes
// the pinned bytes in regression-vector.json.

/** Byte i of the stream is (start + i) mod 256, across calls. */
export function countingRandom (start: number): RandomSource {
  let next = start
  return (length) => Uint8Array.from({ length }, () => next++ & 0xff)
}

export const KAT_INPUTS = {
  secrets: { rootKey: new Uint8Array(32).fill(1), headerKeyA: new Uint8Array(32).fill(2), nextHeaderKeyB: new Uint8Array(32).fill(3) },
  bobSecretKey: new Uint8Array(32).fill(0x42),
  ad: new TextEncoder().encode('murmur/ratchet/regression ad'),
  aliceText: 'Murmur ratchet regression vector: first message',
  bobText: 'and the first reply',
  time: Date.UTC(2025, 0, 1)
}

/** Alice's first message (Alice's random: counting from 0) and Bob's reply (Bob's: from 0x80). */
export function computeVector (): { aliceFirstMessage: Uint8Array, bobFirstReply: Uint8Array, bobRead: string, aliceRead: string } {
  const { secrets, bobSecretKey, ad, aliceText, bobText, time } = KAT_INPUTS
  const bobKeys = { publicKey: dhPublicKey(bobSecretKey), secretKey: bobSecretKey }
  const aliceRandom = countingRandom(0)
  const bobRandom = countingRandom(0x80)
  let alice = initInitiator(secrets, bobKeys.publicKey, aliceRandom)
  let bob = initResponder(secrets, bobKeys)
  const first = ratchetEncrypt(alice, new TextEncoder().encode(aliceText), ad, aliceRandom)
  alice = first.state
  const read = ratchetDecrypt(bob, first.message, ad, time, bobRandom)
  bob = read.state
  const reply = ratchetEncrypt(bob, new TextEncoder().encode(bobText), ad, bobRandom)
  const back = ratchetDecrypt(alice, reply.message, ad, time, aliceRandom)
  return {
    aliceFirstMessage: first.message,
    bobFirstReply: reply.message,
    bobRead: new TextDecoder().decode(read.plaintext),
    aliceRead: new TextDecoder().decode(back.plaintext)
  }
}
