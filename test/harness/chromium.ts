import { spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext } from 'playwright-core'
import { stopChild } from './child-process.ts'

/** Debian's Chromium; `npx playwright install` cannot download a browser here. */
const EXECUTABLE = process.env.MURMUR_CHROMIUM ?? '/usr/bin/chromium'

// Checked on these machines: no sandbox (root in a container), no GPU, no QUIC, and none of
// Chromium's own background traffic (first-run, component updates, sync).
const FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'
]
// WebRTC between pages on loopback needs this flag AND a granted microphone permission:
// without either, Chromium gathers ICE candidates only on the default-route interface.
const LOOPBACK_WEBRTC = '--allow-loopback-in-peer-connection'

if (process.env.MURMUR_NETNS !== '1') {
  // Outside the loopback-only namespace Chromium would run ICE checks on every interface.
  throw new Error('Chromium runs only through `npm test` or the bench scripts, which confine it to loopback.')
}

export interface LaunchOptions {
  /** More flags, e.g. --ignore-certificate-errors-spki-list for a test certificate. */
  args?: string[]
  /**
   * Whether pages may make WebRTC links on loopback (default true). The PWA cold start and
   * the crypto bench make none, and their figures were taken without the flag.
   */
  loopbackWebRtc?: boolean
}

function flags (options: LaunchOptions): string[] {
  return [...FLAGS, ...(options.loopbackWebRtc === false ? [] : [LOOPBACK_WEBRTC]), ...(options.args ?? [])]
}

/** One headless Chromium process; each newContext() in it has its own storage. */
export async function launchChromium (options: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({ executablePath: EXECUTABLE, headless: true, args: flags(options) })
}

/**
 * Chromium on a persistent profile directory, like a person's own browser: closing it and
 * launching again on the same directory is a browser restart.
 */
export async function launchProfile (dir: string, options: LaunchOptions & { permissions?: string[], locale?: string } = {}): Promise<BrowserContext> {
  return chromium.launchPersistentContext(dir, {
    executablePath: EXECUTABLE,
    headless: true,
    args: flags(options),
    permissions: options.permissions,
    // The browser's language (navigator.languages, Accept-Language); Chromium's default otherwise.
    locale: options.locale
  })
}

/**
 * Chromium on a profile directory, started here and attached with Playwright's `noDefaults`,
 * so that its windows can really be hidden. Playwright turns on focus emulation for every
 * page it launches, and Chromium then keeps the page "visible" whatever its window does;
 * without it, minimising the window (CDP `Browser.setWindowBounds`) makes
 * `document.visibilityState` 'hidden' and fires `visibilitychange`, as for a person (checked
 * on Chromium 156, headless). `close` ends the process.
 */
export async function launchProfileAsIs (dir: string, options: LaunchOptions & { permissions?: string[] } = {}): Promise<{ context: BrowserContext, close: () => Promise<void> }> {
  const child = spawn(EXECUTABLE, [
    '--headless', ...flags(options), `--user-data-dir=${dir}`, '--remote-debugging-address=127.0.0.1', '--remote-debugging-port=0', 'about:blank'
  ], { stdio: 'ignore' })
  try {
    const port = await devToolsPort(dir)
    const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`, { noDefaults: true })
    const context = browser.contexts()[0]!
    if (options.permissions != null) await context.grantPermissions(options.permissions)
    return { context, close: async () => { await browser.close().catch(() => {}); await stopChild(child) } }
  } catch (err) {
    await stopChild(child)
    throw err
  }
}

/** The port Chromium writes to DevToolsActivePort once its DevTools server listens. */
async function devToolsPort (dir: string, timeoutMs = 20_000): Promise<number> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const text = await readFile(join(dir, 'DevToolsActivePort'), 'utf8').catch(() => '')
    const port = Number(text.split('\n')[0])
    if (Number.isInteger(port) && port > 0) return port
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('Chromium did not open its DevTools port')
}
