import { equals } from 'uint8arrays'
import {
  encodeRatchetState,
  MAX_RATCHET_MESSAGE_BYTES,
  ratchetDecrypt,
  ratchetEncrypt,
  type RatchetState
} from '../../../../src/core/ratchet/index.ts'
import { AD, newSession, seededRandom, T0 } from './session.ts'

// The message fuzzer, without vitest: the unit test runs it briefly and
// scripts/fuzz-ratchet.ts runs it long. Each case feeds one random or mutated message to
// ratchetDecrypt on one of several session states and checks that the call either returns
// or throws a DecryptError, and that the state it was given is byte-identical afterwards.

interface Target {
  label: string
  /** How often it is picked, relative to the others. */
  weight: number
  state: RatchetState
  encoded: Uint8Array
  /** Valid messages addressed to this state (some already read by it). */
  valid: Uint8Array[]
}

export interface FuzzReport {
  iterations: number
  accepted: number
  refused: Record<string, number>
  byMutation: Record<string, number>
  ms: number
}

/** A small xorshift generator: the fuzz loop needs speed, not cryptographic quality. */
function prng (seed: number): { int: (n: number) => number, bytes: (n: number) => Uint8Array } {
  let x = (seed * 2654435761) >>> 0 || 1
  const next = (): number => {
    x ^= x << 13; x >>>= 0
    x ^= x >>> 17
    x ^= x << 5; x >>>= 0
    return x
  }
  return {
    int: (n) => next() % n,
    bytes: (n) => {
      const out = new Uint8Array(n)
      for (let i = 0; i < n; i++) out[i] = next() & 0xff
      return out
    }
  }
}

const msg = (s: string): Uint8Array => new TextEncoder().encode(s)

/**
 * Session states worth attacking: a responder that has read nothing, an initiator, and both
 * sides after several DH steps with skipped keys and retired header keys; plus valid
 * messages from another session to splice from.
 */
export function buildTargets (seed = 1): { targets: Target[], foreign: Uint8Array[] } {
  let { alice, bob } = newSession(seed)
  const rA = seededRandom(seed + 1), rB = seededRandom(seed + 2)
  const toBob: Uint8Array[] = []
  const toAlice: Uint8Array[] = []
  const targets: Target[] = []
  const add = (label: string, weight: number, state: RatchetState, valid: Uint8Array[]): void => {
    targets.push({ label, weight, state, encoded: encodeRatchetState(state), valid: [...valid] })
  }
  const aliceSends = (n: number, size: number): void => {
    for (let i = 0; i < n; i++) {
      const out = ratchetEncrypt(alice, msg('a'.repeat(size)), AD, rA)
      alice = out.state
      toBob.push(out.message)
    }
  }
  const bobSends = (n: number, size: number): void => {
    for (let i = 0; i < n; i++) {
      const out = ratchetEncrypt(bob, msg('b'.repeat(size)), AD, rB)
      bob = out.state
      toAlice.push(out.message)
    }
  }
  aliceSends(3, 20)
  // A message with a new ratchet key costs an X25519 DH before its body is checked (about
  // 1.5 ms here, against 30 us for a header trial), so states where valid headers start a DH
  // step are picked 1 time in 46: the loop stays fast and still walks that path several
  // hundred times in 100,000 cases.
  add('responder before any message', 1, bob, toBob)
  add('initiator before any reply', 30, alice, [])
  // Bob reads only the last: the first two become skipped keys.
  bob = ratchetDecrypt(bob, toBob.at(-1)!, AD, T0, rB).state
  for (let round = 0; round < 2; round++) {
    bobSends(3, 120)
    alice = ratchetDecrypt(alice, toAlice.at(-1)!, AD, T0, rA).state
    aliceSends(3, 300)
    bob = ratchetDecrypt(bob, toBob.at(-1)!, AD, T0, rB).state
  }
  add('responder after DH steps, holding skipped keys', 30, bob, toBob)
  add('initiator after DH steps, holding skipped keys', 30, alice, toAlice)
  bobSends(2, 50)
  add('initiator with a new ratchet key on the way', 1, alice, toAlice)
  const other = newSession(seed + 7)
  const foreign = [0, 1, 2].map((i) => ratchetEncrypt(other.alice, msg(`other ${i}`), AD, seededRandom(i)).message)
  return { targets, foreign }
}

const HEADER_START = 2 // version, varint(69)
const HEADER_END = HEADER_START + 69

type Rng = ReturnType<typeof prng>
const OVERSIZE = new Uint8Array(MAX_RATCHET_MESSAGE_BYTES + 16)
const MUTATIONS: Record<string, (valid: Uint8Array, rng: Rng, foreign: Uint8Array[]) => Uint8Array> = {
  'flip bits': (v, rng) => {
    const out = v.slice()
    const flips = 1 + rng.int(3)
    for (let i = 0; i < flips; i++) out[rng.int(out.length)]! ^= 1 << rng.int(8)
    return out
  },
  'flip header byte': (v, rng) => {
    const out = v.slice()
    out[HEADER_START + rng.int(HEADER_END - HEADER_START)]! ^= 1 + rng.int(255)
    return out
  },
  truncate: (v, rng) => v.slice(0, rng.int(v.length)),
  extend: (v, rng) => {
    const out = new Uint8Array(v.length + 1 + rng.int(64))
    out.set(v)
    out.set(rng.bytes(out.length - v.length), v.length)
    return out
  },
  'foreign header': (v, rng, foreign) => {
    const out = v.slice()
    out.set(foreign[rng.int(foreign.length)]!.subarray(HEADER_START, HEADER_END), HEADER_START)
    return out
  },
  'header of another message': (v, rng, _foreign) => v, // filled in per target below
  'random bytes': (_v, rng) => {
    const out = rng.bytes(rng.int(300))
    if (out.length > 0 && rng.int(2) === 0) out[0] = 1 // a valid version byte now and then
    return out
  },
  oversize: (v, rng) => {
    // One buffer for all: ratchetDecrypt never writes to its input, and the fuzz checks that
    // no more than it checks the state.
    OVERSIZE.set(v)
    return OVERSIZE.subarray(0, MAX_RATCHET_MESSAGE_BYTES + 1 + rng.int(16))
  },
  'valid as is': (v) => v
}
const MUTATION_NAMES = Object.keys(MUTATIONS)

/** Runs up to `iterations` cases or until `timeLimitMs`; throws on the first violation. */
export function runFuzz (options: { iterations: number, seed?: number, timeLimitMs?: number, onProgress?: (report: FuzzReport) => void }): FuzzReport {
  const { targets, foreign } = buildTargets(options.seed ?? 1)
  const rng = prng(options.seed ?? 1)
  const picks = targets.flatMap((t) => Array<Target>(t.weight).fill(t))
  const started = performance.now()
  const report: FuzzReport = { iterations: 0, accepted: 0, refused: {}, byMutation: {}, ms: 0 }
  const deadline = started + (options.timeLimitMs ?? Infinity)
  for (let i = 0; i < options.iterations; i++) {
    if ((i & 1023) === 0 && performance.now() > deadline) break
    const target = picks[rng.int(picks.length)]!
    const pool = target.valid.length > 0 ? target.valid : foreign
    const valid = pool[rng.int(pool.length)]!
    const name = MUTATION_NAMES[rng.int(MUTATION_NAMES.length)]!
    let input: Uint8Array
    if (name === 'header of another message') {
      const donor = pool[rng.int(pool.length)]!
      input = valid.slice()
      input.set(donor.subarray(HEADER_START, HEADER_END), HEADER_START)
    } else {
      input = MUTATIONS[name]!(valid, rng, foreign)
    }
    report.byMutation[name] = (report.byMutation[name] ?? 0) + 1
    try {
      ratchetDecrypt(target.state, input, AD, T0, seededRandom(i))
      report.accepted++
    } catch (err) {
      if (!(err instanceof Error) || err.name !== 'DecryptError') {
        throw new Error(`case ${i} (${name} on ${target.label}): threw ${String(err)}, not a DecryptError`, { cause: err })
      }
      const reason = (err as Error & { reason: string }).reason
      report.refused[reason] = (report.refused[reason] ?? 0) + 1
    }
    if (!equals(encodeRatchetState(target.state), target.encoded)) {
      throw new Error(`case ${i} (${name} on ${target.label}): the input state changed`)
    }
    report.iterations++
    if (options.onProgress !== undefined && (i % 100_000) === 99_999) options.onProgress({ ...report, ms: performance.now() - started })
  }
  report.ms = performance.now() - started
  return report
}
