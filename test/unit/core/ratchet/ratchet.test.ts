import { describe, expect, it } from 'vitest'
import {
  encodeRatchetState,
  initInitiator,
  initResponder,
  MAX_RATCHET_MESSAGE_BYTES,
  MAX_RATCHET_PLAINTEXT_BYTES,
  MAX_MESSAGE_NUMBER,
  ratchetDecrypt,
  ratchetEncrypt
} from '../../../../src/core/ratchet/index.ts'
import { encryptHeader } from '../../../../src/core/ratchet/header.ts'
import { encodeRatchetMessage } from '../../../../src/core/ratchet/message.ts'
import { thrown } from '../support.ts'
import { newParties, receive, roundTrip, send } from './conversation.ts'
import { AD, expectRefused, secretsFrom, T0, text } from './support.ts'
import { toHex } from '../../../support/hex.ts'

describe('ratchet round trips', () => {
  it('Alice and Bob read each other, in order, both ways', () => {
    const { alice, bob } = newParties()
    for (let i = 0; i < 3; i++) expect(receive(bob, send(alice, `a${i}`))).toBe(`a${i}`)
    for (let i = 0; i < 3; i++) expect(receive(alice, send(bob, `b${i}`))).toBe(`b${i}`)
    for (let i = 0; i < 5; i++) {
      expect(receive(bob, send(alice, `ping ${i}`))).toBe(`ping ${i}`)
      expect(receive(alice, send(bob, `pong ${i}`))).toBe(`pong ${i}`)
    }
  })

  it('carries an empty plaintext and the largest one, whose message is exactly the cap', () => {
    const { alice, bob } = newParties()
    expect(receive(bob, send(alice, ''))).toBe('')
    const big = new Uint8Array(MAX_RATCHET_PLAINTEXT_BYTES).fill(0x61)
    const message = send(alice, big)
    expect(message.length).toBe(MAX_RATCHET_MESSAGE_BYTES)
    expect(receive(bob, message)).toBe('a'.repeat(MAX_RATCHET_PLAINTEXT_BYTES))
  })

  it('refuses a plaintext one byte over the cap, and a message one byte over is dropped unread', () => {
    const { alice, bob } = newParties()
    const err = thrown(() => ratchetEncrypt(alice.state, new Uint8Array(MAX_RATCHET_PLAINTEXT_BYTES + 1), AD))
    expect(err).toMatchObject({ name: 'EncryptError', reason: 'oversize' })
    expectRefused(bob.state, () => ratchetDecrypt(bob.state, new Uint8Array(MAX_RATCHET_MESSAGE_BYTES + 1), AD, T0), 'oversize')
  })

  it('the responder cannot send before it has read the first message', () => {
    const { alice, bob } = newParties()
    expect(thrown(() => send(bob, 'too early'))).toMatchObject({ name: 'EncryptError', reason: 'not-ready' })
    receive(bob, send(alice, 'hello'))
    expect(receive(alice, send(bob, 'now I can'))).toBe('now I can')
  })

  it('refuses to send past the 32-bit message number', () => {
    const { alice } = newParties()
    const worn = { ...alice.state, sendCount: MAX_MESSAGE_NUMBER }
    expect(thrown(() => ratchetEncrypt(worn, text('x'), AD))).toMatchObject({ name: 'EncryptError', reason: 'exhausted' })
  })

  it('never changes the states it is given, on success either', () => {
    const { alice, bob } = newParties()
    const aliceBefore = toHex(encodeRatchetState(alice.state))
    const bobBefore = toHex(encodeRatchetState(bob.state))
    const { message } = ratchetEncrypt(alice.state, text('hi'), AD)
    ratchetDecrypt(bob.state, message, AD, T0)
    expect(toHex(encodeRatchetState(alice.state))).toBe(aliceBefore)
    expect(toHex(encodeRatchetState(bob.state))).toBe(bobBefore)
  })
})

describe('the DH ratchet', () => {
  it('turns once per change of speaker: new ratchet keys, new root keys, new chains', () => {
    const { alice, bob } = newParties()
    const bobInitial = bob.state.dhSelf.publicKey
    receive(bob, send(alice, 'a'))
    expect(bob.state.dhSteps).toBe(1)
    expect(bob.state.dhRemote).toEqual(alice.state.dhSelf.publicKey)
    expect(bob.state.dhSelf.publicKey).not.toEqual(bobInitial)

    const aliceKey = alice.state.dhSelf.publicKey
    const aliceRoot = alice.state.rootKey
    receive(alice, send(bob, 'b'))
    expect(alice.state.dhSteps).toBe(1)
    expect(alice.state.dhRemote).toEqual(bob.state.dhSelf.publicKey)
    expect(alice.state.dhSelf.publicKey).not.toEqual(aliceKey)
    expect(alice.state.rootKey).not.toEqual(aliceRoot)

    // More messages the same way do not turn it; a reply does.
    receive(alice, send(bob, 'b2'))
    expect(alice.state.dhSteps).toBe(1)
    receive(bob, send(alice, 'a2'))
    expect(bob.state.dhSteps).toBe(2)
    receive(alice, send(bob, 'b3'))
    expect(alice.state.dhSteps).toBe(2)
  })

  it('rotates header keys: each new sending chain seals its headers under a new key', () => {
    const { alice, bob } = newParties()
    const seen: string[] = []
    for (let i = 0; i < 4; i++) {
      seen.push(toHex(alice.state.sendHeaderKey!))
      roundTrip(alice, bob, `r${i}`)
      // Bob read under exactly the key Alice sent under; Alice has moved to the next one.
      expect(toHex(bob.state.receiveHeaderKey!)).toBe(seen.at(-1))
      expect(toHex(alice.state.sendHeaderKey!)).not.toBe(seen.at(-1))
    }
    seen.push(toHex(alice.state.sendHeaderKey!))
    expect(new Set(seen).size).toBe(seen.length)
  })

  it('a message sealed under a header key two DH steps old still decrypts from the skipped keys', () => {
    const { alice, bob } = newParties()
    receive(bob, send(alice, 'first'))
    const late = send(alice, 'late') // same chain as 'first', never delivered in time
    roundTrip(bob, alice, 'one')
    roundTrip(bob, alice, 'two')
    expect(bob.state.dhSteps).toBe(3)
    expect(bob.state.retiredHeaderKeys.length).toBe(2)
    expect(receive(bob, late)).toBe('late')
    expectRefused(bob.state, () => ratchetDecrypt(bob.state, late, AD, T0), 'duplicate')
  })

  it('refuses a new ratchet key that is a low-order point, without changing the state', () => {
    const { bob } = newParties()
    const secrets = secretsFrom(1)
    // Only a holder of the header key can get here; the header opens and then DH must refuse.
    for (const lowOrder of [new Uint8Array(32), Uint8Array.of(1, ...new Uint8Array(31))]) {
      const encryptedHeader = encryptHeader(secrets.headerKeyA, { dh: lowOrder, pn: 0, n: 0 })
      const message = encodeRatchetMessage({ encryptedHeader, ciphertext: new Uint8Array(40) })
      expectRefused(bob.state, () => ratchetDecrypt(bob.state, message, AD, T0), 'weak-key')
    }
  })
})

describe('refusals', () => {
  it('a different ad is refused as auth, and the right one still reads the message', () => {
    const { alice, bob } = newParties()
    const message = send(alice, 'bound to AD')
    expectRefused(bob.state, () => ratchetDecrypt(bob.state, message, text('someone else'), T0), 'auth')
    expect(receive(bob, message)).toBe('bound to AD')
  })

  it('a message from another session is refused as header', () => {
    const { bob } = newParties(1)
    const other = newParties(2)
    expectRefused(bob.state, () => ratchetDecrypt(bob.state, send(other.alice, 'x'), AD, T0), 'header')
  })

  it('a replay is refused as duplicate: at once, after later messages, and from an old chain', () => {
    const { alice, bob } = newParties()
    const m0 = send(alice, 'm0')
    const m1 = send(alice, 'm1')
    receive(bob, m1)
    expectRefused(bob.state, () => ratchetDecrypt(bob.state, m1, AD, T0), 'duplicate')
    receive(bob, m0)
    expectRefused(bob.state, () => ratchetDecrypt(bob.state, m0, AD, T0), 'duplicate')
    roundTrip(bob, alice)
    roundTrip(bob, alice)
    for (const old of [m0, m1]) expectRefused(bob.state, () => ratchetDecrypt(bob.state, old, AD, T0), 'duplicate')
  })

  it('init refuses keys of the wrong length by name, and a low-order ratchet key as WeakKeyError', () => {
    const secrets = secretsFrom(1)
    const key = new Uint8Array(32).fill(9)
    expect(() => initInitiator({ ...secrets, headerKeyA: new Uint8Array(31) }, key)).toThrow(/secrets.headerKeyA must be 32 bytes/)
    expect(() => initInitiator(secrets, new Uint8Array(33))).toThrow(/theirRatchetPublic/)
    expect(() => initResponder({ ...secrets, nextHeaderKeyB: undefined as never }, { publicKey: key, secretKey: key })).toThrow(/nextHeaderKeyB/)
    expect(() => initResponder(secrets, { publicKey: key, secretKey: new Uint8Array(0) })).toThrow(/ourRatchetKeyPair.secretKey/)
    expect(thrown(() => initInitiator(secrets, new Uint8Array(32))).name).toBe('WeakKeyError')
  })

  it('checks its own arguments with TypeError naming them', () => {
    const { alice, bob } = newParties()
    expect(() => ratchetEncrypt(alice.state, 'text' as never, AD)).toThrow(/plaintext/)
    expect(() => ratchetDecrypt(bob.state, new Uint8Array(10), 'ad' as never)).toThrow(/ad must/)
    expect(() => ratchetDecrypt(bob.state, new Uint8Array(10), AD, Number.NaN)).toThrow(/now must/)
  })
})
