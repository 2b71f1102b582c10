import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createIdentity } from '../../../../src/core/identity.ts'
import { createDhIdentity, createSignedPrekey, emptyReplayCache, type ReplayCache } from '../../../../src/core/x3dh/index.ts'
import {
  decryptFromContact,
  decryptFromContactAsync,
  encryptForContact,
  type ContactSessions,
  type DecryptResult,
  type OwnSessionKeys
} from '../../../../src/core/session/index.ts'
import { seededRandom } from '../ratchet/session.ts'

// decryptFromContactAsync runs the same steps as decryptFromContact with the ratchet's X25519
// on WebCrypto: every outcome must be the same bytes or the same error, and the caller's
// sessions and replay cache must be left as they were.

const NOW = Date.UTC(2026, 0, 1)

/** Keys are made once per file (signing and prekeys are slow); each run starts with no sessions. */
function keysFor (prekeyId: number): { keys: OwnSessionKeys, bundle: ReturnType<typeof createSignedPrekey>['bundle'] } {
  const identity = createIdentity()
  const dh = createDhIdentity(identity)
  const prekey = createSignedPrekey(identity, dh, prekeyId, NOW)
  return { keys: { identity, dh, prekeys: new Map([[prekeyId, prekey.secretKey]]) }, bundle: prekey.bundle }
}
const KEYS = { ann: keysFor(7), bob: keysFor(8) }

type Side = 'ann' | 'bob'
const other = (s: Side): Side => (s === 'ann' ? 'bob' : 'ann')

interface Person { sessions: ContactSessions | undefined, replay: ReplayCache }

const serialize = (value: unknown): string => JSON.stringify(value, (_k, v) =>
  v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v instanceof Map ? [...v] : v instanceof Set ? [...v] : v)

type Outcome = { ok: true, result: string } | { ok: false, name: string, reason?: string, message: string }
const failure = (err: any): Outcome => ({ ok: false, name: err.name, reason: err.reason, message: err.message })

/** Reads `payload` at `to` both ways with the same inputs; checks they agree and nothing given was changed. */
async function both (to: Person, from: Side, at: Side, payload: Uint8Array, seed: number): Promise<{ outcome: Outcome, result?: DecryptResult }> {
  const before = serialize(to)
  const args = [to.sessions, KEYS[from].keys.identity.publicKey, KEYS[at].keys, to.replay, payload, NOW + seed] as const
  let result: DecryptResult | undefined
  let sync: Outcome
  try {
    result = decryptFromContact(...args, seededRandom(seed))
    sync = { ok: true, result: serialize(result) }
  } catch (err) {
    sync = failure(err)
  }
  let async: Outcome
  try {
    async = { ok: true, result: serialize(await decryptFromContactAsync(...args, seededRandom(seed))) }
  } catch (err) {
    async = failure(err)
  }
  expect(async).toEqual(sync)
  expect(serialize(to)).toBe(before)
  return { outcome: sync, result }
}

type Action =
  | { kind: 'send', from: Side, bundle: boolean }
  | { kind: 'deliver', to: Side, pick: number, keep: boolean, flip?: { at: number, xor: number } }
  | { kind: 'round', from: Side }
  | { kind: 'forget', who: Side } // lost its sessions (a reinstall): starts over from the bundle

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('send' as const), from: fc.constantFrom<Side>('ann', 'bob'), bundle: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('deliver' as const), to: fc.constantFrom<Side>('ann', 'bob'), pick: fc.nat(), keep: fc.boolean() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('deliver' as const),
      to: fc.constantFrom<Side>('ann', 'bob'),
      pick: fc.nat(),
      keep: fc.constant(true),
      flip: fc.record({ at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) })
    })
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('round' as const), from: fc.constantFrom<Side>('ann', 'bob') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('forget' as const), who: fc.constantFrom<Side>('ann', 'bob') }) }
)

describe('decryptFromContactAsync', () => {
  it('property: over session starts (also at once from both sides), replies, reordering, replays, corrupted payloads and reinstalls, it matches decryptFromContact', async () => {
    const seen = new Map<string, number>()
    const count = (key: string): void => { seen.set(key, (seen.get(key) ?? 0) + 1) }
    await fc.assert(fc.asyncProperty(fc.array(action, { minLength: 4, maxLength: 14, size: 'max' }), async (actions) => {
      const people: Record<Side, Person> = { ann: { sessions: undefined, replay: emptyReplayCache() }, bob: { sessions: undefined, replay: emptyReplayCache() } }
      const inFlight: Record<Side, Uint8Array[]> = { ann: [], bob: [] }
      let step = 0
      const send = (from: Side, bundle: boolean): void => {
        try {
          const out = encryptForContact(people[from].sessions, bundle ? KEYS[other(from)].bundle : undefined, KEYS[from].keys, seededRandom(step)(1 + step % 40), NOW)
          people[from].sessions = out.sessions
          inFlight[other(from)].push(out.payload)
        } catch (err: any) {
          expect(err.reason).toBe('needs-prekey')
        }
      }
      const deliver = async (to: Side, pick: number, keep: boolean, flip?: { at: number, xor: number }): Promise<void> => {
        const queue = inFlight[to]
        if (queue.length === 0) return
        const at = pick % queue.length
        let payload = queue[at]!
        if (!keep) queue.splice(at, 1)
        if (flip !== undefined) {
          payload = payload.slice()
          payload[flip.at % payload.length]! ^= flip.xor
        }
        const { outcome, result } = await both(people[to], other(to), to, payload, step)
        if (result === undefined) {
          count(outcome.ok ? 'read' : outcome.reason ?? outcome.name)
          return
        }
        count(payload[0] === 1 ? 'read-start' : 'read')
        people[to] = { sessions: result.sessions, replay: result.replayCache }
      }
      for (const a of actions) {
        step++
        if (a.kind === 'send') send(a.from, a.bundle)
        else if (a.kind === 'deliver') await deliver(a.to, a.pick, a.keep, a.flip)
        else if (a.kind === 'forget') people[a.who].sessions = undefined
        else {
          for (const side of [a.from, other(a.from)]) {
            send(side, true)
            await deliver(other(side), inFlight[other(side)].length - 1, false)
          }
        }
      }
    }), { numRuns: 25 })
    // Coverage, with room: a run reads about 1.2 starts, 3 other payloads and refuses 0.8.
    const summary = JSON.stringify([...seen])
    expect(seen.get('read-start') ?? 0, summary).toBeGreaterThan(5)
    expect(seen.get('read') ?? 0, summary).toBeGreaterThan(10)
    const refused = [...seen].filter(([k]) => !k.startsWith('read')).reduce((n, [, v]) => n + v, 0)
    expect(refused, summary).toBeGreaterThan(4)
  }, 30_000)

  it('refuses a payload that is not bytes, or is empty, with the same SessionError', async () => {
    for (const payload of ['x', new Uint8Array(0), Uint8Array.of(9, 9)] as unknown as Uint8Array[]) {
      const args = [undefined, KEYS.ann.keys.identity.publicKey, KEYS.bob.keys, emptyReplayCache(), payload, NOW] as const
      let sync: unknown
      try { decryptFromContact(...args) } catch (err) { sync = failure(err) }
      expect(sync).toMatchObject({ ok: false, name: 'SessionError', reason: 'malformed' })
      await expect(decryptFromContactAsync(...args).catch(failure)).resolves.toEqual(sync)
    }
  })
})
