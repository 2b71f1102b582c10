// `npm run bench:crypto`: the issue 3 figures (bench/crypto/measure.ts) in Node and in
// Chromium, side by side, plus encrypt + persist on real IndexedDB in Chromium. Runs inside
// the loopback-only namespace (scripts/bench-crypto.mjs); the page is served by Playwright
// itself, so no packet leaves the process.
import '../../test/harness/node-shims.ts'
import { readFile, writeFile, mkdir } from 'node:fs/promises'
import { cpus } from 'node:os'
import { measureCrypto, type CryptoFigures } from './measure.ts'
import type { Summary } from '../stats.ts'
import { launchChromium } from '../../test/harness/chromium.ts'

const N = Number(process.env.MURMUR_BENCH_N ?? 500)

async function inChromium (): Promise<CryptoFigures & { encryptAndPersist: Summary, version: string }> {
  const bundle = await readFile('.tmp/crypto-bench/crypto-bench.js', 'utf8')
  // The page only computes: no WebRTC, and no network (Playwright answers its one request).
  const browser = await launchChromium({ loopbackWebRtc: false })
  try {
    const page = await browser.newPage()
    // A secure-context origin with nothing behind it: Playwright answers the request itself.
    await page.route('http://127.0.0.1:9/**', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>crypto bench</title>' }))
    await page.goto('http://127.0.0.1:9/bench')
    await page.addScriptTag({ content: bundle })
    const figures = await page.evaluate(async (n) => (globalThis as any).murmurCryptoBench(n), N)
    return { ...figures, version: browser.version() }
  } finally {
    await browser.close()
  }
}

const fmt = (s: Summary): string => `${s.p50.toFixed(3)} / ${s.p95.toFixed(3)}`

const node = await measureCrypto(N)
const browser = await inChromium()
const rows: Array<[string, Summary, Summary | undefined]> = [
  ['symmetric step + AES-GCM, 1 KiB, encrypt', node.symmetricEncrypt, browser.symmetricEncrypt],
  ['symmetric step + AES-GCM, 1 KiB, decrypt', node.symmetricDecrypt, browser.symmetricDecrypt],
  ['DH ratchet step + 1 KiB, noble X25519', node.dhStepDecrypt, browser.dhStepDecrypt],
  ['DH ratchet step + 1 KiB, WebCrypto X25519 (what the app uses)', node.dhStepDecryptWebCrypto, browser.dhStepDecryptWebCrypto],
  ['AES-256-GCM 1 KiB, noble', node.aesGcm1KiB.noble, browser.aesGcm1KiB.noble],
  ['AES-256-GCM 1 KiB, WebCrypto', node.aesGcm1KiB.webcrypto, browser.aesGcm1KiB.webcrypto],
  ['X25519 agreement, noble', node.x25519.noble, browser.x25519.noble],
  ['X25519 agreement, WebCrypto', node.x25519.webcrypto, browser.x25519.webcrypto],
  ['encrypt + persist (session step on IndexedDB, strict)', browser.encryptAndPersist, undefined]
]
console.log(`\nms, p50 / p95 (n = ${N}); Node ${process.version}, Chromium ${browser.version}, ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}`)
console.log('| figure | Node | Chromium |\n| --- | --- | --- |')
for (const [name, inNode, inBrowser] of rows) {
  console.log(name.startsWith('encrypt + persist') ? `| ${name} | n/a | ${fmt(inNode)} |` : `| ${name} | ${fmt(inNode)} | ${inBrowser == null ? '' : fmt(inBrowser)} |`)
}
console.log(`WebCrypto X25519 available: Node ${node.x25519.webcryptoHasX25519}, Chromium ${browser.x25519.webcryptoHasX25519}`)
await mkdir('bench/results', { recursive: true })
await writeFile('bench/results/crypto.json', JSON.stringify({
  date: new Date().toISOString(), n: N, node: process.version, chromium: browser.version, cpu: cpus()[0]?.model, cores: cpus().length,
  figures: { node, chromium: browser }
}, null, 2) + '\n')
