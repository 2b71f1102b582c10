// Prints the p50 of a decrypt that takes a DH ratchet step, ratchetDecrypt (noble) beside
// ratchetDecryptAsync (WebCrypto X25519 where the platform has it), 1 KiB messages.
// Not a test: run with `npx tsx test/unit/core/ratchet/dh-step-timing.ts [samples] [warm-up rounds]`.
// Node 20's WebCrypto X25519 is slower than Chromium's, so the browser gains more than shown here.
import { hasWebCryptoX25519 } from '../../../../src/crypto/index.ts'
import { ratchetDecrypt, ratchetDecryptAsync, ratchetEncrypt, type RatchetState } from '../../../../src/core/ratchet/index.ts'
import { AD, newSession, T0 } from './session.ts'

type Decrypt = (state: RatchetState, message: Uint8Array) => Promise<RatchetState>

const samples = Number(process.argv[2] ?? 200)
const plaintext = new Uint8Array(1024).fill(7)

const decrypters: Record<string, Decrypt> = {
  sync: async (state, message) => ratchetDecrypt(state, message, AD, T0).state,
  async: async (state, message) => (await ratchetDecryptAsync(state, message, AD, T0)).state
}

// Ping-pong: every message read has a new ratchet key, so every timed decrypt is a DH step.
// The two ways run interleaved, on two conversations, so load on the machine hits both alike.
const conversations = Object.fromEntries(Object.keys(decrypters).map((name) => [name, newSession(7)]))
const times: Record<string, number[]> = Object.fromEntries(Object.keys(decrypters).map((name) => [name, []]))
const warmup = Number(process.argv[3] ?? 300) // noble runs several times faster once V8 has optimised it
for (let i = 0; i < samples + warmup; i++) {
  for (const [name, decrypt] of Object.entries(decrypters)) {
    const c = conversations[name]!
    const [from, to] = i % 2 === 0 ? ['alice', 'bob'] as const : ['bob', 'alice'] as const
    const sent = ratchetEncrypt(c[from], plaintext, AD)
    c[from] = sent.state
    const start = performance.now()
    c[to] = await decrypt(c[to], sent.message)
    if (i >= warmup) times[name]!.push(performance.now() - start)
  }
}

const p50 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
console.log(`Node ${process.version}, WebCrypto X25519: ${await hasWebCryptoX25519()}, ${samples} samples of a DH-step decrypt, 1 KiB`)
for (const [name, xs] of Object.entries(times)) console.log(`  ${name.padEnd(5)} p50 ${p50(xs).toFixed(3)} ms`)
