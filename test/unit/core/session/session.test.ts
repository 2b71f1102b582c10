import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createIdentity } from '../../../../src/core/identity.ts'
import { createDhIdentity, createSignedPrekey, emptyReplayCache, type ReplayCache } from '../../../../src/core/x3dh/index.ts'
import { decryptFromContact, encryptForContact, type ContactSessions, type OwnSessionKeys } from '../../../../src/core/session/index.ts'
import { encodeUserId } from '../../../../src/core/user-id.ts'

const NOW = Date.UTC(2026, 0, 1)
const text = (s: string): Uint8Array => new TextEncoder().encode(s)
const read = (b: Uint8Array): string => new TextDecoder().decode(b)

/** One side of a conversation: keys, a published prekey bundle, and what it stores. */
function person () {
  const identity = createIdentity()
  const dh = createDhIdentity(identity)
  const prekey = createSignedPrekey(identity, dh, 7, NOW)
  const keys: OwnSessionKeys = { identity, dh, prekeys: new Map([[7, prekey.secretKey]]) }
  return { keys, bundle: prekey.bundle, sessions: undefined as ContactSessions | undefined, replay: emptyReplayCache() as ReplayCache }
}
type Person = ReturnType<typeof person>

function send (from: Person, to: Person, message: string, useBundle = true): Uint8Array {
  const out = encryptForContact(from.sessions, useBundle ? to.bundle : undefined, from.keys, text(message), NOW)
  from.sessions = out.sessions
  return out.payload
}

function receive (at: Person, from: Person, payload: Uint8Array): string {
  const out = decryptFromContact(at.sessions, from.keys.identity.publicKey, at.keys, at.replay, payload, NOW)
  at.sessions = out.sessions
  at.replay = out.replayCache
  return read(out.plaintext)
}

const snapshot = (p: Person): string => JSON.stringify({ s: p.sessions, r: [...p.replay.prekeys].map(([k, v]) => [k, [...v]]) }, (_k, v) => v instanceof Uint8Array ? Array.from(v) : v)

describe('sessions between two people', () => {
  it('start from a prekey bundle, answer, and stop repeating the X3DH header once answered', () => {
    const ann = person()
    const bob = person()
    const first = send(ann, bob, 'hello')
    expect(first[0]).toBe(1)
    expect(receive(bob, ann, first)).toBe('hello')
    expect(receive(ann, bob, send(bob, ann, 'hi', false))).toBe('hi')
    const third = send(ann, bob, 'how are you')
    expect(third[0]).toBe(2)
    expect(receive(bob, ann, third)).toBe('how are you')
  })

  it('messages sent before any answer, delivered in any order, all open on one session', () => {
    const ann = person()
    const bob = person()
    const payloads = ['one', 'two', 'three'].map((m) => send(ann, bob, m))
    expect(payloads.reverse().map((p) => receive(bob, ann, p))).toEqual(['three', 'two', 'one'])
    expect(bob.sessions!.entries).toHaveLength(1)
  })

  it('a replayed session start is refused and changes nothing, also once its session is pushed out', () => {
    const ann = person()
    const bob = person()
    const first = send(ann, bob, 'hello')
    receive(bob, ann, first)
    const before = snapshot(bob)
    // The session it started recognises it, and its first message key is used up.
    expect(() => receive(bob, ann, first)).toThrow(expect.objectContaining({ name: 'SessionError', reason: 'no-session' }))
    expect(snapshot(bob)).toBe(before)
    expect(bob.replay.size).toBe(0)
    // Ann starts over three times: Bob keeps three sessions, the first is pushed out and its
    // start remembered for Ann.
    for (let i = 0; i < 3; i++) {
      ann.sessions = undefined
      expect(receive(bob, ann, send(ann, bob, `again ${i}`))).toBe(`again ${i}`)
    }
    expect(bob.sessions!.entries).toHaveLength(3)
    expect(bob.replay.size).toBe(1)
    expect(() => receive(bob, ann, first)).toThrow(expect.objectContaining({ name: 'SessionError', reason: 'replay' }))
  })

  it('when both start at once, both end up sending on the same session', () => {
    const ann = person()
    const bob = person()
    const fromAnn = send(ann, bob, 'from ann')
    const fromBob = send(bob, ann, 'from bob')
    expect(receive(bob, ann, fromAnn)).toBe('from ann')
    expect(receive(ann, bob, fromBob)).toBe('from bob')
    for (let i = 0; i < 3; i++) {
      expect(receive(bob, ann, send(ann, bob, `a${i}`))).toBe(`a${i}`)
      expect(receive(ann, bob, send(bob, ann, `b${i}`))).toBe(`b${i}`)
    }
    expect(ann.sessions!.entries[0]!.ad).toEqual(bob.sessions!.entries[0]!.ad)
    const winner = encodeUserId(ann.keys.identity.publicKey) < encodeUserId(bob.keys.identity.publicKey) ? ann : bob
    expect(winner.sessions!.entries[0]!.role).toBe('initiator')
  })

  it('a contact who lost its state and starts over is followed', () => {
    const ann = person()
    const bob = person()
    receive(bob, ann, send(ann, bob, 'hello'))
    receive(ann, bob, send(bob, ann, 'hi', false))
    bob.sessions = undefined // Bob reinstalled, same identity, new session
    expect(receive(ann, bob, send(bob, ann, 'I am back'))).toBe('I am back')
    expect(receive(bob, ann, send(ann, bob, 'welcome back', false))).toBe('welcome back')
  })

  it('refuses a session start from someone else than the sender, to an unknown prekey, or without a bundle', () => {
    const ann = person()
    const bob = person()
    const carol = person()
    const first = send(ann, bob, 'hello')
    expect(() => receive(bob, carol, first)).toThrow(expect.objectContaining({ reason: 'wrong-sender' }))
    bob.keys = { ...bob.keys, prekeys: new Map() }
    expect(() => receive(bob, ann, first)).toThrow(expect.objectContaining({ reason: 'unknown-prekey' }))
    expect(() => encryptForContact(undefined, undefined, ann.keys, text('x'), NOW)).toThrow(expect.objectContaining({ reason: 'needs-prekey' }))
  })

  it('property: random and mutated payloads are refused with typed errors and change nothing', () => {
    const ann = person()
    const bob = person()
    receive(bob, ann, send(ann, bob, 'hello'))
    const valid = [send(ann, bob, 'second', false), send(ann, bob, 'third', false)]
    const before = snapshot(bob)
    const mutated = fc.tuple(fc.constantFrom(...valid), fc.nat(), fc.integer({ min: 1, max: 255 })).map(([p, at, x]) => {
      const c = p.slice()
      c[at % c.length]! ^= x
      return c
    })
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 400 }), mutated), (payload) => {
      try {
        receive(bob, ann, payload)
      } catch (err: any) {
        expect(['SessionError', 'DecryptError']).toContain(err.name)
        return
      }
      throw new Error('a random or mutated payload decrypted')
    }), { numRuns: 300 })
    expect(snapshot(bob)).toBe(before)
    expect(valid.map((p) => receive(bob, ann, p))).toEqual(['second', 'third'])
  })
})
