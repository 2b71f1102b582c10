// Session fixtures without vitest, shared by the tests and scripts/fuzz-ratchet.ts.
import { generateDhKeyPair, sha256, type RandomSource } from '../../../../src/crypto/index.ts'
import { initInitiator, initResponder, type RatchetState, type SharedSecrets } from '../../../../src/core/ratchet/index.ts'

/** A deterministic random source: SHA-256 of (seed, counter) blocks, so tests never depend on luck. */
export function seededRandom (seed: number): RandomSource {
  let counter = 0
  return (length) => {
    const out = new Uint8Array(length)
    for (let at = 0; at < length; at += 32) {
      const block = sha256(Uint8Array.of(seed & 0xff, (seed >>> 8) & 0xff, (seed >>> 16) & 0xff, seed >>> 24, counter & 0xff, (counter >>> 8) & 0xff, (counter >>> 16) & 0xff, counter >>> 24))
      counter++
      out.set(block.subarray(0, Math.min(32, length - at)), at)
    }
    return out
  }
}

export const AD = new TextEncoder().encode('alice-identity|bob-identity')
export const T0 = Date.UTC(2025, 0, 1)

export function secretsFrom (seed: number): SharedSecrets {
  const random = seededRandom(seed)
  return { rootKey: random(32), headerKeyA: random(32), nextHeaderKeyB: random(32) }
}

/** Alice (initiator) and Bob (responder) of one session, both from `seed`. */
export function newSession (seed = 1): { alice: RatchetState, bob: RatchetState } {
  const secrets = secretsFrom(seed)
  const bobKeys = generateDhKeyPair(seededRandom(seed + 1000))
  return {
    alice: initInitiator(secrets, bobKeys.publicKey, seededRandom(seed + 2000)),
    bob: initResponder(secrets, bobKeys)
  }
}

export const text = (s: string): Uint8Array => new TextEncoder().encode(s)
