import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { concat } from 'uint8arrays'
import { dh, generateDhKeyPair, hkdf } from '../../../../src/crypto/index.ts'
import { utf8, Writer } from '../../../../src/core/codec.ts'
import { createIdentity } from '../../../../src/core/identity.ts'
import { appendSignature } from '../../../../src/core/signed-record.ts'
import { createDhIdentity } from '../../../../src/core/x3dh/dh-identity.ts'
import { encodePrekeyBundle, decodePrekeyBundle, verifyPrekeyBundleSignature, type PrekeyBundle } from '../../../../src/core/x3dh/prekey.ts'
import { createSignedPrekey } from '../../../../src/core/x3dh/prekey-rotation.ts'
import { x3dhInitiate, x3dhRespond, type X3dhInitiatorInfo } from '../../../../src/core/x3dh/x3dh.ts'
import { DAY, NOW, fixedIdentity, fixedRandom, flipByte, thrown } from './support.ts'

const alice = fixedIdentity(1)
const bob = fixedIdentity(2)
const carol = fixedIdentity(3)
const aliceDh = createDhIdentity(alice, fixedRandom(11))
const bobDh = createDhIdentity(bob, fixedRandom(12))
const carolDh = createDhIdentity(carol, fixedRandom(13))
const bobPrekey = createSignedPrekey(bob, bobDh, 7, NOW, fixedRandom(21))
const ephemeralRandom = fixedRandom(31)

const aliceOurs = { identity: alice, dh: aliceDh }
const bobOurs = { identity: bob, dh: bobDh, prekeySecret: bobPrekey.secretKey }
const initiated = x3dhInitiate(aliceOurs, bobPrekey.bundle, ephemeralRandom)
const info: X3dhInitiatorInfo = {
  identityKey: alice.publicKey,
  dhIdentityKey: aliceDh.publicKey,
  dhIdentitySignature: aliceDh.signature,
  ephemeralPublic: initiated.ephemeralPublic
}

function expectX3dhError (fn: () => unknown, reason: string, field?: string): void {
  const err = thrown(fn)
  expect(err.name).toBe('X3dhError')
  expect(err.reason).toBe(reason)
  if (field !== undefined) expect(err.field).toBe(field)
}

describe('x3dh agreement', () => {
  it('initiator and responder derive the same secrets and associated data', () => {
    const responded = x3dhRespond(bobOurs, info)
    expect(responded.secrets).toEqual(initiated.secrets)
    expect(responded.ad).toEqual(initiated.ad)
  })

  it('follows the spec: HKDF(0xFF*32 ‖ DH1 ‖ DH2 ‖ DH3, zero salt) split into three keys', () => {
    const ephemeral = generateDhKeyPair(ephemeralRandom)
    expect(initiated.ephemeralPublic).toEqual(ephemeral.publicKey)
    const ikm = concat([
      new Uint8Array(32).fill(0xff),
      dh(aliceDh.secretKey, bobPrekey.bundle.prekey),
      dh(ephemeral.secretKey, bobDh.publicKey),
      dh(ephemeral.secretKey, bobPrekey.bundle.prekey)
    ])
    const master = hkdf(ikm, new Uint8Array(32), utf8('murmur/x3dh/v1'), 96)
    expect(initiated.secrets).toEqual({
      rootKey: master.subarray(0, 32),
      headerKeyA: master.subarray(32, 64),
      nextHeaderKeyB: master.subarray(64, 96)
    })
  })

  it('binds both identities in the associated data, initiator first', () => {
    expect(initiated.ad).toEqual(concat([
      utf8('murmur/x3dh/ad/v1'), alice.publicKey, bob.publicKey, aliceDh.publicKey, bobDh.publicKey
    ]))
  })

  it('a fresh ephemeral key gives fresh secrets', () => {
    const again = x3dhInitiate(aliceOurs, bobPrekey.bundle, fixedRandom(32))
    expect(again.ephemeralPublic).not.toEqual(initiated.ephemeralPublic)
    expect(again.secrets.rootKey).not.toEqual(initiated.secrets.rootKey)
    expect(x3dhRespond(bobOurs, { ...info, ephemeralPublic: again.ephemeralPublic }).secrets).toEqual(again.secrets)
  })

  it('property: any two identities agree', () => {
    const seed = fc.uint8Array({ minLength: 32, maxLength: 32 })
    fc.assert(fc.property(fc.tuple(seed, seed, seed, seed, seed, seed), ([a, b, ad, bd, pk, ek]) => {
      const once = (bytes: Uint8Array) => () => bytes
      const initiator = createIdentity(once(a))
      const responder = createIdentity(once(b))
      const initiatorDh = createDhIdentity(initiator, once(ad))
      const responderDh = createDhIdentity(responder, once(bd))
      const prekey = createSignedPrekey(responder, responderDh, 1, NOW, once(pk))
      const sent = x3dhInitiate({ identity: initiator, dh: initiatorDh }, prekey.bundle, once(ek))
      const received = x3dhRespond({ identity: responder, dh: responderDh, prekeySecret: prekey.secretKey }, {
        identityKey: initiator.publicKey,
        dhIdentityKey: initiatorDh.publicKey,
        dhIdentitySignature: initiatorDh.signature,
        ephemeralPublic: sent.ephemeralPublic
      })
      expect(received).toEqual({ secrets: sent.secrets, ad: sent.ad })
      const { rootKey, headerKeyA, nextHeaderKeyB } = sent.secrets
      expect(new Set([rootKey, headerKeyA, nextHeaderKeyB].map((k) => k.join())).size).toBe(3)
    }), { numRuns: 8 })
  })
})

describe('x3dh with the wrong keys', () => {
  it('a different prekey secret gives different secrets', () => {
    const other = createSignedPrekey(bob, bobDh, 8, NOW, fixedRandom(22))
    expect(x3dhRespond({ ...bobOurs, prekeySecret: other.secretKey }, info).secrets.rootKey).not.toEqual(initiated.secrets.rootKey)
  })

  it('a responder with a different X25519 identity key gives different secrets and ad', () => {
    const otherDh = createDhIdentity(bob, fixedRandom(14))
    const responded = x3dhRespond({ ...bobOurs, dh: otherDh }, info)
    expect(responded.secrets.rootKey).not.toEqual(initiated.secrets.rootKey)
    expect(responded.ad).not.toEqual(initiated.ad)
  })

  it('a different initiator identity gives different secrets and ad', () => {
    const fromCarol = x3dhRespond(bobOurs, {
      identityKey: carol.publicKey, dhIdentityKey: carolDh.publicKey, dhIdentitySignature: carolDh.signature, ephemeralPublic: info.ephemeralPublic
    })
    expect(fromCarol.secrets.rootKey).not.toEqual(initiated.secrets.rootKey)
    expect(fromCarol.ad).not.toEqual(initiated.ad)
  })

  it('the responder refuses an X25519 key that the claimed identity did not sign', () => {
    // Carol claims to be Alice but can only use her own X25519 key.
    expectX3dhError(() => x3dhRespond(bobOurs, { ...info, dhIdentityKey: carolDh.publicKey, dhIdentitySignature: carolDh.signature }), 'signature', 'dhIdentitySignature')
    expectX3dhError(() => x3dhRespond(bobOurs, { ...info, identityKey: carol.publicKey }), 'signature', 'dhIdentitySignature')
    expectX3dhError(() => x3dhRespond(bobOurs, { ...info, dhIdentitySignature: flipByte(aliceDh.signature, 0) }), 'signature', 'dhIdentitySignature')
  })

  it('a changed ephemeral key gives different secrets', () => {
    expect(x3dhRespond(bobOurs, { ...info, ephemeralPublic: flipByte(info.ephemeralPublic, 0) }).secrets.rootKey).not.toEqual(initiated.secrets.rootKey)
  })

  it('the initiator refuses a bundle changed in any field after decoding', () => {
    const b = bobPrekey.bundle
    const changes: Array<[string, Partial<PrekeyBundle>]> = [
      ['identityKey', { identityKey: carol.publicKey }],
      ['dhIdentityKey', { dhIdentityKey: flipByte(b.dhIdentityKey, 0) }],
      ['dhIdentitySignature', { dhIdentitySignature: flipByte(b.dhIdentitySignature, 0) }],
      ['prekeyId', { prekeyId: b.prekeyId + 1 }],
      ['prekey', { prekey: flipByte(b.prekey, 0) }],
      ['createdAt', { createdAt: b.createdAt - 1 }],
      ['expiresAt', { expiresAt: b.expiresAt + 1 }],
      ['signature', { signature: flipByte(b.signature, 0) }]
    ]
    for (const [, change] of changes) expectX3dhError(() => x3dhInitiate(aliceOurs, { ...b, ...change }, ephemeralRandom), 'signature')
    expect(changes.map(([field]) => field).sort()).toEqual(Object.keys(b).sort())
  })

  it('the initiator refuses a bundle whose record signature holds but whose X25519 key is not bound', () => {
    // Bob signs a record naming Carol's X25519 key (encodePrekeyBundle would refuse to).
    const bundle = { ...bobPrekey.bundle, dhIdentityKey: carolDh.publicKey, dhIdentitySignature: carolDh.signature }
    const body = new Writer().u8(1).bytes(bundle.identityKey).bytes(bundle.dhIdentityKey).bytes(bundle.dhIdentitySignature)
      .uvarint(bundle.prekeyId).bytes(bundle.prekey).uvarint(bundle.createdAt).uvarint(bundle.expiresAt).finish()
    const signed = { ...bundle, signature: appendSignature(bob, 'murmur/prekey/v1', body).subarray(body.length) }
    expect(verifyPrekeyBundleSignature(signed)).toBe(true)
    expectX3dhError(() => x3dhInitiate(aliceOurs, signed, ephemeralRandom), 'signature', 'dhIdentitySignature')
  })

  it('keys of the wrong length in what the other side sent are malformed', () => {
    expectX3dhError(() => x3dhInitiate(aliceOurs, { ...bobPrekey.bundle, prekey: new Uint8Array(31) }, ephemeralRandom), 'malformed', 'prekey')
    expectX3dhError(() => x3dhInitiate(aliceOurs, { ...bobPrekey.bundle, identityKey: undefined as any }, ephemeralRandom), 'malformed', 'identityKey')
    expectX3dhError(() => x3dhRespond(bobOurs, { ...info, ephemeralPublic: new Uint8Array(33) }), 'malformed', 'ephemeralPublic')
  })

  it('a mismatched key pair of our own is a programming error', () => {
    expect(thrown(() => x3dhInitiate({ identity: alice, dh: { ...aliceDh, publicKey: bobDh.publicKey } }, bobPrekey.bundle)).name).toBe('TypeError')
    expect(thrown(() => x3dhRespond({ ...bobOurs, prekeySecret: new Uint8Array(3) }, info)).name).toBe('TypeError')
  })
})

describe('x3dh with low-order keys', () => {
  const zero = new Uint8Array(32)

  it('a signed prekey that is a low-order point is a weak key, not a session', () => {
    const record = encodePrekeyBundle(bob, {
      dhIdentityKey: bobDh.publicKey, dhIdentitySignature: bobDh.signature, prekeyId: 1, prekey: zero, createdAt: NOW, expiresAt: NOW + DAY
    })
    expectX3dhError(() => x3dhInitiate(aliceOurs, decodePrekeyBundle(record, NOW), ephemeralRandom), 'weak-key', 'prekey')
  })

  it('an ephemeral key that is a low-order point is a weak key, not a session', () => {
    const err = thrown(() => x3dhRespond(bobOurs, { ...info, ephemeralPublic: zero }))
    expect(err).toMatchObject({ name: 'X3dhError', reason: 'weak-key', field: 'ephemeralPublic' })
    expect(err.cause.name).toBe('WeakKeyError')
  })
})
