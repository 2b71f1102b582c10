import { describe, expect, it } from 'vitest'
import { dhPublicKey } from '../../../../src/crypto/index.ts'
import { createDhIdentity } from '../../../../src/core/x3dh/dh-identity.ts'
import { decodePrekeyBundle, PREKEY_ID_MAX, PREKEY_MAX_TTL_MS } from '../../../../src/core/x3dh/prekey.ts'
import {
  createSignedPrekey,
  nextPrekeyId,
  prekeyNeedsRotation,
  retiredPrekeysToDrop,
  PREKEY_GRACE_MS,
  PREKEY_ROTATE_MS,
  PREKEY_TTL_MS
} from '../../../../src/core/x3dh/prekey-rotation.ts'
import { REPLAY_ROTATE_AT } from '../../../../src/core/x3dh/replay-cache.ts'
import { DAY, MINUTE, NOW, fixedIdentity, fixedRandom } from './support.ts'

const bob = fixedIdentity(2)
const bobDh = createDhIdentity(bob, fixedRandom(12))

describe('prekey rotation', () => {
  it('rotates weekly and keeps retired secrets for two weeks', () => {
    expect(PREKEY_ROTATE_MS).toBe(7 * DAY)
    expect(PREKEY_GRACE_MS).toBe(14 * DAY)
  })

  it('needs a prekey when there is none, or the current one is a week old', () => {
    expect(prekeyNeedsRotation(undefined, NOW)).toBe(true)
    expect(prekeyNeedsRotation({ createdAt: NOW }, NOW)).toBe(false)
    expect(prekeyNeedsRotation({ createdAt: NOW - PREKEY_ROTATE_MS + 1 }, NOW)).toBe(false)
    expect(prekeyNeedsRotation({ createdAt: NOW - PREKEY_ROTATE_MS }, NOW)).toBe(true)
    // Early, when its share of the replay cache fills.
    expect(prekeyNeedsRotation({ createdAt: NOW }, NOW, REPLAY_ROTATE_AT - 1)).toBe(false)
    expect(prekeyNeedsRotation({ createdAt: NOW }, NOW, REPLAY_ROTATE_AT)).toBe(true)
  })

  it('replaces a prekey dated so far ahead that validators would refuse it (the clock went back)', () => {
    expect(prekeyNeedsRotation({ createdAt: NOW + 10 * MINUTE }, NOW)).toBe(false)
    expect(prekeyNeedsRotation({ createdAt: NOW + 10 * MINUTE + 1 }, NOW)).toBe(true)
  })

  it('drops retired secrets once their grace period is over, not before', () => {
    const retired = [
      { prekeyId: 1, retiredAt: NOW - PREKEY_GRACE_MS },
      { prekeyId: 2, retiredAt: NOW - PREKEY_GRACE_MS + 1 },
      { prekeyId: 3, retiredAt: NOW - 30 * DAY },
      { prekeyId: 4, retiredAt: NOW + DAY }
    ]
    expect(retiredPrekeysToDrop(retired, NOW)).toEqual([1, 3])
    expect(retiredPrekeysToDrop([], NOW)).toEqual([])
  })

  it('prekey ids count up and wrap within 32 bits', () => {
    expect(nextPrekeyId(7)).toBe(8)
    expect(nextPrekeyId(PREKEY_ID_MAX)).toBe(0)
  })
})

describe('createSignedPrekey', () => {
  const made = createSignedPrekey(bob, bobDh, 42, NOW, fixedRandom(21))

  it('publishes a valid bundle for a secret it hands back', () => {
    expect(decodePrekeyBundle(made.record, NOW)).toEqual(made.bundle)
    expect(made.bundle).toMatchObject({ identityKey: bob.publicKey, dhIdentityKey: bobDh.publicKey, prekeyId: 42, createdAt: NOW })
    expect(dhPublicKey(made.secretKey)).toEqual(made.bundle.prekey)
  })

  it('lives until the retired secret would be dropped, within what validators accept', () => {
    expect(made.bundle.expiresAt - made.bundle.createdAt).toBe(PREKEY_TTL_MS)
    expect(PREKEY_TTL_MS).toBe(PREKEY_ROTATE_MS + PREKEY_GRACE_MS)
    expect(PREKEY_TTL_MS).toBeLessThanOrEqual(PREKEY_MAX_TTL_MS)
  })

  it('takes its randomness from the random source', () => {
    expect(createSignedPrekey(bob, bobDh, 42, NOW, fixedRandom(22)).bundle.prekey).not.toEqual(made.bundle.prekey)
  })
})
