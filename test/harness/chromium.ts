import { chromium, type Browser, type BrowserContext } from 'playwright-core'

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
