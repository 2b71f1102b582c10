import { describe, expect, it } from 'vitest'
import { decodeEnvelope, encodeEnvelope } from '../../../src/core/envelope.ts'
import { createIdentity, type Identity } from '../../../src/core/identity.ts'
import { newMessageId } from '../../../src/core/message-id.ts'
import { encodeUserId } from '../../../src/core/user-id.ts'
import { createLinkBinding, type LinkBinding } from '../../../src/net/link-binding.ts'

/**
 * The rule that binds a direct link to an identity, fed the frames a real link would
 * carry: envelopes written by src/core/envelope.ts with real identities. `me` sits at one
 * end of a connection; the peer at the other end is `ALICE_PEER` unless a test says not.
 */
const me = createIdentity()
const alice = createIdentity()
const mallory = createIdentity()
const MY_PEER = '12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp'
const ALICE_PEER = '12D3KooWLHHhESTgKuxdWJdooXH8uCP9xq75hasbuiNMjz1TjEU3'
const MALLORY_PEER = '12D3KooWFDJTHxks5wMZzjYuvQQZ7oUqCxKf4Snag1RxmQ1CPWNB'
const SENT = Date.UTC(2026, 11, 5)

const hello = (from: Identity, options: { to?: Uint8Array, peerId?: string, name?: string } = {}): Uint8Array =>
  encodeEnvelope(from, {
    kind: 'hello',
    to: options.to ?? me.publicKey,
    id: newMessageId(),
    sentAt: SENT,
    name: options.name ?? 'Alice',
    peerId: options.peerId ?? ALICE_PEER
  })

const sealed = (from: Identity, payload = [1, 2, 3]): Uint8Array =>
  encodeEnvelope(from, { kind: 'sealed', to: me.publicKey, payload: new Uint8Array(payload) })

/** A link someone opened to us (`expected` unset) or that we dialled to `expected`. */
const binding = (expected?: Uint8Array, remotePeerId = ALICE_PEER): LinkBinding =>
  createLinkBinding({ identity: me, name: 'Me', localPeerId: MY_PEER, remotePeerId, expected, now: () => SENT })

const aliceId = encodeUserId(alice.publicKey)

describe('a link someone opened to us', () => {
  it('says nothing first, binds to the caller on a valid hello and answers with a hello of its own', () => {
    const link = binding()
    expect(link.opening).toBeUndefined()
    const verdict = link.receive(hello(alice))
    expect(verdict).toMatchObject({ action: 'bind', userId: aliceId })
    expect(link.boundTo).toBe(aliceId)
    // The answer is signed by us, names the caller and our own PeerId: it binds their end.
    const reply = verdict.action === 'bind' ? verdict.reply : undefined
    expect(reply).toBeInstanceOf(Uint8Array)
    const answer = decodeEnvelope(reply!, { self: alice.publicKey })
    expect(answer).toMatchObject({ kind: 'hello', from: me.publicKey, to: alice.publicKey, name: 'Me', peerId: MY_PEER, sentAt: SENT })
  })

  it('delivers sealed frames from the bound identity once bound', () => {
    const link = binding()
    link.receive(hello(alice))
    const verdict = link.receive(sealed(alice, [7, 7]))
    expect(verdict).toMatchObject({ action: 'deliver', envelope: { kind: 'sealed', payload: new Uint8Array([7, 7]) } })
    expect(verdict.action === 'deliver' && encodeUserId(verdict.envelope.from)).toBe(aliceId)
  })
})

describe('what a link refuses or drops', () => {
  it('refuses a hello naming another receiver: it was meant for someone else and may be replayed', () => {
    const link = binding()
    const verdict = link.receive(hello(alice, { to: mallory.publicKey }))
    expect(verdict).toEqual({ action: 'refuse', reason: 'InvalidEnvelopeError' })
    expect(link.boundTo).toBeUndefined()
  })

  it('drops a hello whose PeerId is not the connection\'s remote peer, and still takes a true one after', () => {
    const link = binding()
    expect(link.receive(hello(alice, { peerId: MALLORY_PEER }))).toEqual({ action: 'drop', reason: 'wrong-peer' })
    expect(link.boundTo).toBeUndefined()
    expect(link.receive(sealed(alice))).toEqual({ action: 'drop', reason: 'unbound' })
    expect(link.receive(hello(alice))).toMatchObject({ action: 'bind', userId: aliceId })
  })

  it('drops a hello copied from Alice\'s link by the peer at the other end', () => {
    // Mallory holds a hello Alice sent her (to her, from Alice's peer): it names neither us nor her peer.
    const link = binding(undefined, MALLORY_PEER)
    expect(link.receive(hello(alice, { to: mallory.publicKey }))).toMatchObject({ action: 'refuse' })
    // And one Alice sent us elsewhere names Alice's peer, not the connection's.
    expect(link.receive(hello(alice))).toEqual({ action: 'drop', reason: 'wrong-peer' })
    expect(link.boundTo).toBeUndefined()
  })

  it('ignores a second hello: the first one decided', () => {
    const link = binding()
    link.receive(hello(alice))
    expect(link.receive(hello(alice))).toEqual({ action: 'drop', reason: 'second-hello' })
    expect(link.receive(hello(mallory, { peerId: ALICE_PEER, name: 'Mallory' }))).toEqual({ action: 'drop', reason: 'second-hello' })
    expect(link.boundTo).toBe(aliceId)
  })

  it('drops a sealed frame before the hello', () => {
    const link = binding()
    expect(link.receive(sealed(alice))).toEqual({ action: 'drop', reason: 'unbound' })
    expect(link.boundTo).toBeUndefined()
  })

  it('drops a sealed frame from an identity other than the bound one', () => {
    const link = binding()
    link.receive(hello(alice))
    expect(link.receive(sealed(mallory))).toEqual({ action: 'drop', reason: 'other-sender' })
    expect(link.receive(sealed(alice))).toMatchObject({ action: 'deliver' })
  })

  it('refuses a hello whose signature does not hold, and garbage', () => {
    const link = binding()
    const forged = hello(alice)
    forged[forged.length - 1]! ^= 1
    expect(link.receive(forged)).toEqual({ action: 'refuse', reason: 'InvalidEnvelopeError' })
    expect(link.receive(new Uint8Array([1, 2, 3]))).toMatchObject({ action: 'refuse' })
    expect(link.boundTo).toBeUndefined()
  })
})

describe('a link we dialled', () => {
  it('opens with a hello signed by us that names the identity we meant to reach and our PeerId', () => {
    const link = binding(alice.publicKey)
    const opening = decodeEnvelope(link.opening!, { self: alice.publicKey })
    expect(opening).toMatchObject({ kind: 'hello', from: me.publicKey, to: alice.publicKey, peerId: MY_PEER, name: 'Me' })
  })

  it('binds only to the identity it dialled, and sends no second hello', () => {
    const link = binding(alice.publicKey)
    // Mallory answers from the dialled peer with a valid hello of her own.
    expect(link.receive(hello(mallory, { name: 'Mallory' }))).toEqual({ action: 'drop', reason: 'unexpected-identity' })
    expect(link.receive(sealed(mallory))).toEqual({ action: 'drop', reason: 'unbound' })
    expect(link.receive(hello(alice))).toEqual({ action: 'bind', userId: aliceId })
    expect(link.boundTo).toBe(aliceId)
  })
})
