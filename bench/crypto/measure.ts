// The issue 3 crypto figures, in whatever runtime loads this file (Node, or Chromium through
// bench/crypto/browser-entry.ts). Uses only src/core and src/crypto.
import { aesGcmSeal, aesGcmSealAsync, dh, dhAsync, generateDhKeyPair, hasWebCryptoX25519, randomBytes } from '../../src/crypto/index.ts'
import { createIdentity } from '../../src/core/identity.ts'
import { createDhIdentity, createSignedPrekey, emptyReplayCache } from '../../src/core/x3dh/index.ts'
import { decryptFromContact, encryptForContact, type ContactSessions, type OwnSessionKeys } from '../../src/core/session/index.ts'
import { decodeRatchetState, ratchetDecrypt, ratchetDecryptAsync, ratchetEncrypt } from '../../src/core/ratchet/index.ts'
import { summarize, type Summary } from '../stats.ts'

export interface CryptoFigures {
  /** One symmetric ratchet step + AES-256-GCM of 1 KiB (ratchetEncrypt on an open chain). */
  symmetricEncrypt: Summary
  /** Its reading side (ratchetDecrypt of the next message in the chain). */
  symmetricDecrypt: Summary
  /** Half a ping-pong round: one decrypt that turns the DH ratchet (X25519 key pair + 2 DH + 2 KDF_RK) and one encrypt. */
  dhStepDecrypt: Summary
  /** The same, through ratchetDecryptAsync: X25519 on WebCrypto where the runtime has it. */
  dhStepDecryptWebCrypto: Summary
  /** The primitives, noble beside WebCrypto, for 1 KiB and one X25519 agreement. */
  aesGcm1KiB: { noble: Summary, webcrypto: Summary }
  x25519: { noble: Summary, webcrypto: Summary, webcryptoHasX25519: boolean }
}

const now = (): number => performance.now()

/**
 * Per-operation times. Chromium coarsens performance.now() to 0.1 ms outside cross-origin
 * isolation, so operations are timed in batches long enough (≥ 2 ms) for that not to
 * matter, and each sample is a batch's time divided by its size.
 */
async function time (n: number, fn: () => unknown | Promise<unknown>, warmup = 50): Promise<Summary> {
  // Warm up first: the JIT (and WebCrypto's key import paths) settle after a few dozen runs.
  for (let i = 0; i < warmup; i++) await fn()
  let batch = 1
  for (;;) {
    const t0 = now()
    for (let i = 0; i < batch; i++) await fn()
    if (now() - t0 >= 2 || batch >= 1024) break
    batch *= 2
  }
  const samples: number[] = []
  for (let i = 0; i < n; i++) {
    const t0 = now()
    for (let j = 0; j < batch; j++) await fn()
    samples.push((now() - t0) / batch)
  }
  return summarize(samples)
}

function person () {
  const identity = createIdentity()
  const dhIdentity = createDhIdentity(identity)
  const prekey = createSignedPrekey(identity, dhIdentity, 1, Date.now())
  const keys: OwnSessionKeys = { identity, dh: dhIdentity, prekeys: new Map([[1, prekey.secretKey]]) }
  return { keys, bundle: prekey.bundle, sessions: undefined as ContactSessions | undefined, replay: emptyReplayCache() }
}

/** Two people with a session open both ways: both chains running. */
function openPair (kib: Uint8Array) {
  const ann = person()
  const bob = person()
  const first = encryptForContact(undefined, bob.bundle, ann.keys, kib)
  const opened = decryptFromContact(undefined, ann.keys.identity.publicKey, bob.keys, bob.replay, first.payload)
  const reply = encryptForContact(opened.sessions, undefined, bob.keys, kib)
  const annSessions = decryptFromContact(first.sessions, bob.keys.identity.publicKey, ann.keys, ann.replay, reply.payload).sessions
  const annEntry = annSessions.entries[0]!
  const bobEntry = reply.sessions.entries[0]!
  return { annEntry, bobEntry, annState: decodeRatchetState(annEntry.ratchet), bobState: decodeRatchetState(bobEntry.ratchet) }
}

export async function measureCrypto (n = 500): Promise<CryptoFigures> {
  const kib = randomBytes(1024)
  let { annEntry, bobEntry, annState, bobState } = openPair(kib)

  // Symmetric: Ann sends a chain of messages; Bob reads them in order.
  const chain: Uint8Array[] = []
  const symmetricEncrypt = await time(n, () => {
    const out = ratchetEncrypt(annState, kib, annEntry.ad)
    annState = out.state
    if (chain.length < 200_000) chain.push(out.message)
  })
  let read = 0
  const symmetricDecrypt = await time(Math.max(10, Math.floor(n / 10)), () => {
    if (read >= chain.length) throw new Error('the bench ran out of messages to read')
    bobState = ratchetDecrypt(bobState, chain[read++]!, bobEntry.ad).state
  })

  // DH steps: ping-pong, so every read turns the ratchet. Timed over both reads and both
  // writes of a round, then halved: one DH step plus one symmetric encrypt per sample.
  // A fresh pair: the chain above ran far ahead of what Bob read, and closing it would
  // mean skipping more keys than the ratchet allows.
  ;({ annEntry, bobEntry, annState, bobState } = openPair(kib))
  let a = annState
  let b = bobState
  const dhStepDecrypt = await time(Math.max(20, Math.floor(n / 10)), () => {
    // Bob writes first: Ann's chain above ran far ahead of what Bob read, and a reply from
    // Bob makes Ann start a new chain, so neither side ever skips.
    const fromBob = ratchetEncrypt(b, kib, bobEntry.ad)
    b = fromBob.state
    a = ratchetDecrypt(a, fromBob.message, annEntry.ad).state
    const fromAnn = ratchetEncrypt(a, kib, annEntry.ad)
    a = fromAnn.state
    b = ratchetDecrypt(b, fromAnn.message, bobEntry.ad).state
  })
  dhStepDecrypt.p50 /= 2; dhStepDecrypt.p95 /= 2; dhStepDecrypt.min /= 2; dhStepDecrypt.max /= 2; dhStepDecrypt.mean /= 2
  // The same with the ratchet's X25519 on WebCrypto (ratchetDecryptAsync), as the app reads.
  const dhStepDecryptWebCrypto = await time(Math.max(20, Math.floor(n / 10)), async () => {
    const fromBob = ratchetEncrypt(b, kib, bobEntry.ad)
    b = fromBob.state
    a = (await ratchetDecryptAsync(a, fromBob.message, annEntry.ad)).state
    const fromAnn = ratchetEncrypt(a, kib, annEntry.ad)
    a = fromAnn.state
    b = (await ratchetDecryptAsync(b, fromAnn.message, bobEntry.ad)).state
  })
  for (const k of ['p50', 'p95', 'min', 'max', 'mean'] as const) dhStepDecryptWebCrypto[k] /= 2

  const key = randomBytes(32)
  const nonce = randomBytes(12)
  const mine = generateDhKeyPair()
  const theirs = generateDhKeyPair()
  return {
    symmetricEncrypt,
    symmetricDecrypt,
    dhStepDecrypt,
    dhStepDecryptWebCrypto,
    aesGcm1KiB: {
      noble: await time(n, () => aesGcmSeal(key, nonce, kib)),
      webcrypto: await time(n, async () => aesGcmSealAsync(key, nonce, kib))
    },
    x25519: {
      noble: await time(Math.floor(n / 2), () => dh(mine.secretKey, theirs.publicKey)),
      webcrypto: await time(Math.floor(n / 2), async () => dhAsync(mine.secretKey, theirs.publicKey)),
      webcryptoHasX25519: await hasWebCryptoX25519()
    }
  }
}
