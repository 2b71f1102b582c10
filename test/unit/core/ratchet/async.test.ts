import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { hasWebCryptoX25519 } from '../../../../src/crypto/index.ts'
import {
  encodeRatchetState,
  ratchetDecrypt,
  ratchetDecryptAsync,
  ratchetEncrypt,
  type RatchetState
} from '../../../../src/core/ratchet/index.ts'
import { AD, newSession, seededRandom, T0 } from './support.ts'
import { toHex } from '../../../support/hex.ts'

// ratchetDecryptAsync runs the same steps as ratchetDecrypt with X25519 on WebCrypto: every
// outcome must be the same bytes, or the same error, and a refusal must leave the state as it was.

type Side = 'alice' | 'bob'
const other = (s: Side): Side => (s === 'alice' ? 'bob' : 'alice')

/** u = 0: a low-order point, which a forger can put in a header as its new ratchet key. */
const LOW_ORDER = new Uint8Array(32)

type Outcome = { ok: true, state: string, plaintext: string } | { ok: false, name: string, reason?: string, message: string, cause?: string }

function outcome (run: () => { state: RatchetState, plaintext: Uint8Array }): Outcome {
  try {
    const out = run()
    return { ok: true, state: toHex(encodeRatchetState(out.state)), plaintext: toHex(out.plaintext) }
  } catch (err: any) {
    return failure(err)
  }
}

async function outcomeAsync (run: () => Promise<{ state: RatchetState, plaintext: Uint8Array }>): Promise<Outcome> {
  try {
    const out = await run()
    return { ok: true, state: toHex(encodeRatchetState(out.state)), plaintext: toHex(out.plaintext) }
  } catch (err: any) {
    return failure(err)
  }
}

const failure = (err: any): Outcome => ({ ok: false, name: err.name, reason: err.reason, message: err.message, cause: err.cause?.name })

/** Decrypts both ways with the same inputs and random bytes; checks they agree and `state` is untouched. */
async function both (state: RatchetState, message: Uint8Array, ad = AD, now = T0, randomSeed = 1): Promise<{ sync: Outcome, state?: RatchetState }> {
  const before = toHex(encodeRatchetState(state))
  let next: RatchetState | undefined
  const sync = outcome(() => {
    const out = ratchetDecrypt(state, message, ad, now, seededRandom(randomSeed))
    next = out.state
    return out
  })
  const async = await outcomeAsync(async () => await ratchetDecryptAsync(state, message, ad, now, seededRandom(randomSeed)))
  expect(async).toEqual(sync)
  expect(toHex(encodeRatchetState(state))).toBe(before)
  return { sync, state: next }
}

type Action =
  | { kind: 'send', from: Side, weakKey: boolean }
  | { kind: 'deliver', to: Side, pick: number, keep: boolean, flip?: { at: number, xor: number } }
  | { kind: 'round', from: Side } // a message and its answer, each read at once: DH steps both ways

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('send' as const), from: fc.constantFrom<Side>('alice', 'bob'), weakKey: fc.constant(false) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('deliver' as const), to: fc.constantFrom<Side>('alice', 'bob'), pick: fc.nat(), keep: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('deliver' as const),
      to: fc.constantFrom<Side>('alice', 'bob'),
      pick: fc.nat(),
      keep: fc.constant(true),
      flip: fc.record({ at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) })
    })
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('send' as const), from: fc.constantFrom<Side>('alice', 'bob'), weakKey: fc.constant(true) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('round' as const), from: fc.constantFrom<Side>('alice', 'bob') }) }
)

describe('ratchetDecryptAsync', () => {
  afterEach(() => { vi.restoreAllMocks() })

  it('property: over conversations with DH steps, reordering, duplicates, corrupted and forged messages, it matches ratchetDecrypt byte for byte', async () => {
    const seen = new Map<string, number>()
    const count = (key: string): void => { seen.set(key, (seen.get(key) ?? 0) + 1) }
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 1, max: 1 << 20 }),
      fc.array(action, { minLength: 5, maxLength: 20, size: 'max' }),
      async (seed, actions) => {
        const parties: Record<Side, RatchetState> = newSession(seed)
        const random = seededRandom(seed + 5000)
        const inFlight: Record<Side, Uint8Array[]> = { alice: [], bob: [] }
        let step = 0
        const send = (from: Side, weakKey: boolean): void => {
          const sender = parties[from]
          if (sender.sendChainKey === undefined) return
          const plaintext = random(1 + (step * 37) % 200)
          if (weakKey) {
            // A forged header carrying a low-order ratchet key; the sender goes on with its own key.
            const forged = ratchetEncrypt({ ...sender, dhSelf: { ...sender.dhSelf, publicKey: LOW_ORDER } }, plaintext, AD, random)
            parties[from] = { ...forged.state, dhSelf: sender.dhSelf }
            inFlight[other(from)].push(forged.message)
          } else {
            const sent = ratchetEncrypt(sender, plaintext, AD, random)
            parties[from] = sent.state
            inFlight[other(from)].push(sent.message)
          }
        }
        const deliver = async (to: Side, pick: number, keep: boolean, flip?: { at: number, xor: number }): Promise<void> => {
          const queue = inFlight[to]
          if (queue.length === 0) return
          const at = pick % queue.length
          let message = queue[at]!
          if (!keep) queue.splice(at, 1)
          if (flip !== undefined) {
            message = message.slice()
            message[flip.at % message.length]! ^= flip.xor
          }
          const dhStepsBefore = parties[to].dhSteps
          const { sync, state } = await both(parties[to], message, AD, T0 + step, seed + step)
          if (sync.ok) {
            count(state!.dhSteps > dhStepsBefore ? 'dh-step' : 'read')
            parties[to] = state!
          } else {
            count(sync.reason ?? sync.name)
          }
        }
        for (const a of actions) {
          step++
          if (a.kind === 'send') send(a.from, a.weakKey)
          else if (a.kind === 'deliver') await deliver(a.to, a.pick, a.keep, a.flip)
          else {
            for (const side of [a.from, other(a.from)]) {
              send(side, false)
              await deliver(other(side), inFlight[other(side)].length - 1, false)
            }
          }
        }
      }
    ), { numRuns: 30 })
    // The runs must have exercised both ways of each path: about 4 DH steps a run, a dozen
    // refusals in all (weak-key is rarer here, and has its own test below).
    const refused = ['header', 'auth', 'duplicate', 'weak-key', 'malformed'].reduce((n, k) => n + (seen.get(k) ?? 0), 0)
    const summary = JSON.stringify([...seen])
    expect(seen.get('dh-step') ?? 0, summary).toBeGreaterThan(60)
    expect(seen.get('read') ?? 0, summary).toBeGreaterThan(10)
    expect(refused, summary).toBeGreaterThan(10)
  }, 30_000)

  it('refuses bad arguments and a bad random source with the same errors', async () => {
    const { alice, bob } = newSession(3)
    const message = ratchetEncrypt(alice, new Uint8Array(10), AD).message
    const cases: Array<[string, unknown[]]> = [
      ['ad not bytes', [bob, message, 'ad', T0]],
      ['now negative', [bob, message, AD, -1]],
      ['message not bytes', [bob, 'message', AD, T0]],
      ['random source too short', [bob, message, AD, T0, () => new Uint8Array(16)]]
    ]
    for (const [label, args] of cases) {
      const sync = outcome(() => (ratchetDecrypt as any)(...args))
      const async = await outcomeAsync(async () => await (ratchetDecryptAsync as any)(...args))
      expect(sync.ok, label).toBe(false)
      expect(async, label).toEqual(sync)
    }
  })

  it('refuses a first message carrying a low-order ratchet key as weak-key, both ways', async () => {
    const { alice, bob } = newSession(4)
    const forged = ratchetEncrypt({ ...alice, dhSelf: { ...alice.dhSelf, publicKey: LOW_ORDER } }, new Uint8Array(3), AD).message
    const { sync } = await both(bob, forged)
    expect(sync).toMatchObject({ ok: false, name: 'DecryptError', reason: 'weak-key', cause: 'WeakKeyError' })
  })

  it('reads the message from a copy: changing the caller\'s buffer while it runs changes nothing', async () => {
    const { alice, bob } = newSession(5)
    const message = ratchetEncrypt(alice, new Uint8Array(100).fill(1), AD).message
    const pending = ratchetDecryptAsync(bob, message, AD, T0)
    message.fill(0)
    expect((await pending).plaintext).toEqual(new Uint8Array(100).fill(1))
  })

  it('takes a DH step with three X25519 operations on WebCrypto and none failing over to noble', async () => {
    expect(await hasWebCryptoX25519()).toBe(true) // Node 20 has it
    const subtle = globalThis.crypto.subtle
    const deriveBits = vi.spyOn(subtle, 'deriveBits')
    const { alice, bob } = newSession(6)
    const message = ratchetEncrypt(alice, new Uint8Array(10), AD).message
    const out = await ratchetDecryptAsync(bob, message, AD, T0, seededRandom(9))
    expect(out.state.dhSteps).toBe(1)
    expect(deriveBits).toHaveBeenCalledTimes(3)
    for (const result of deriveBits.mock.results) await expect(result.value).resolves.toBeInstanceOf(ArrayBuffer)
  })
})
