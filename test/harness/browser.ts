import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { launchChromium, launchProfile, launchProfileAsIs } from './chromium.ts'

// Microphone: without it Chromium offers no loopback ICE candidates (see chromium.ts).
const PERMISSIONS = ['microphone', 'clipboard-read', 'clipboard-write']

/** A browser process holding one persistent profile directory, like a person's browser. */
export interface PersonBrowser {
  context: BrowserContext
  page: Page
  dir: string
  close: () => Promise<void>
  /** Closes the browser and deletes its profile directory. */
  dispose: () => Promise<void>
}

/**
 * `options.args` adds Chromium flags (e.g. --ignore-certificate-errors-spki-list for a test
 * certificate), `options.permissions` grants more, `options.locale` sets the browser's language.
 */
export async function openPersonBrowser (url: string, dir?: string, options: { permissions?: string[], args?: string[], locale?: string } = {}): Promise<PersonBrowser> {
  const profileDir = dir ?? await mkdtemp(join(tmpdir(), 'murmur-chromium-'))
  const context = await launchProfile(profileDir, {
    args: options.args,
    locale: options.locale,
    permissions: [...PERMISSIONS, ...(options.permissions ?? [])]
  })
  await context.addInitScript(trackPeerConnections)
  await context.addInitScript(collectPolicyViolations)
  const page = context.pages()[0] ?? await context.newPage()
  await page.goto(url)
  const close = async (): Promise<void> => { await context.close().catch(() => {}) }
  return {
    context, page, dir: profileDir, close,
    dispose: async () => { await close(); await rm(profileDir, { recursive: true, force: true }) }
  }
}

/**
 * Like openPersonBrowser, in a browser whose window the test can hide (launchProfileAsIs):
 * `hide` minimises it (the page's visibilityState becomes 'hidden'), `show` restores it.
 */
export async function openPersonBrowserHideable (url: string, options: { permissions?: string[] } = {}): Promise<PersonBrowser & { hide: () => Promise<void>, show: () => Promise<void> }> {
  const profileDir = await mkdtemp(join(tmpdir(), 'murmur-chromium-'))
  const browser = await launchProfileAsIs(profileDir, { permissions: [...PERMISSIONS, ...(options.permissions ?? [])] })
  const { context } = browser
  await context.addInitScript(trackPeerConnections)
  await context.addInitScript(collectPolicyViolations)
  const page = context.pages()[0] ?? await context.newPage()
  await page.goto(url)
  const windowState = async (state: 'minimized' | 'normal'): Promise<void> => {
    const cdp = await context.newCDPSession(page)
    const { windowId } = await cdp.send('Browser.getWindowForTarget')
    await cdp.send('Browser.setWindowBounds', { windowId, bounds: { windowState: state } })
    await cdp.detach()
  }
  return {
    context, page, dir: profileDir, close: browser.close,
    dispose: async () => { await browser.close(); await rm(profileDir, { recursive: true, force: true }) },
    hide: async () => { await windowState('minimized') },
    show: async () => { await windowState('normal') }
  }
}

/** One browser process for several people, each in its own context (separate storage). */
export async function launchSharedBrowser (extraArgs: string[] = []): Promise<Browser> {
  return launchChromium({ args: extraArgs })
}

/** A script run in every page of the context before the app: a function or its source. */
export type InitScript = (() => void) | string

/**
 * A person in their own context of a shared browser (own storage, microphone granted).
 * `initScripts` run after the harness's own, before the app (the benches' trace); `context`
 * sets the device (a phone's viewport and touch, the browser's language, the colour scheme).
 */
export async function openPersonInBrowser (browser: Browser, url: string, options: { initScripts?: InitScript[], context?: BrowserContextOptions } = {}): Promise<Page> {
  const context = await browser.newContext({ ...options.context, permissions: PERMISSIONS })
  for (const script of [trackPeerConnections, collectPolicyViolations, ...(options.initScripts ?? [])]) {
    await context.addInitScript(script)
  }
  const page = await context.newPage()
  await page.goto(url)
  return page
}

/** Closes a person opened with openPersonInBrowser: their context and every page in it. */
export async function closePersonInBrowser (page: Page): Promise<void> {
  await page.context().close().catch(() => {})
}

/**
 * Runs in every page before the app: keeps a list of the page's RTCPeerConnections so a
 * test can check, independently of what the app claims, that a direct WebRTC path exists
 * and that chat bytes flow over it.
 */
function trackPeerConnections (): void {
  const Native = window.RTCPeerConnection
  const list: RTCPeerConnection[] = []
  ;(window as any).__murmurPeerConnections = list
  window.RTCPeerConnection = class extends Native {
    constructor (config?: RTCConfiguration) {
      super(config)
      list.push(this)
    }
  } as typeof RTCPeerConnection
}

/** The configuration (ICE servers, transport policy) of every RTCPeerConnection the page made. */
export async function peerConnectionConfigurations (page: Page): Promise<RTCConfiguration[]> {
  return page.evaluate(() => (((window as any).__murmurPeerConnections ?? []) as RTCPeerConnection[]).map((pc) => pc.getConfiguration()))
}

/**
 * Runs in every page before the app: records every Content-Security-Policy and Trusted
 * Types violation the browser reports (the relay sends a strict policy), so a test can
 * check that using the app produces none.
 */
function collectPolicyViolations (): void {
  const list: Array<{ directive: string, blocked: string, sample: string }> = []
  ;(window as any).__murmurPolicyViolations = list
  document.addEventListener('securitypolicyviolation', (e) => {
    list.push({ directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample })
  })
}

/** CSP and Trusted Types violations this page has seen since it loaded. */
export async function policyViolations (page: Page): Promise<Array<{ directive: string, blocked: string, sample: string }>> {
  return page.evaluate(() => (window as any).__murmurPolicyViolations ?? [])
}

/** Data-channel bytes received over connected peer connections, and the candidate types in use. */
export async function webrtcStats (page: Page): Promise<{ connected: number, bytesReceived: number, candidateTypes: string[] }> {
  return page.evaluate(async () => {
    const list = ((window as any).__murmurPeerConnections ?? []) as RTCPeerConnection[]
    let connected = 0
    let bytesReceived = 0
    const candidateTypes: string[] = []
    for (const pc of list) {
      if (pc.connectionState !== 'connected') continue
      connected++
      const stats = await pc.getStats()
      stats.forEach((s: any) => {
        if (s.type === 'transport') bytesReceived += s.bytesReceived ?? 0
        if (s.type === 'local-candidate') candidateTypes.push(s.candidateType)
      })
    }
    return { connected, bytesReceived, candidateTypes }
  })
}

/**
 * Kills a person's browser the way a crash or a pulled plug does: SIGKILL to every process
 * of the Chromium that holds `dir` (found by its --user-data-dir) and to their children,
 * each by its pid; nothing is said on the wire. Call the PersonBrowser's close() after, to
 * let Playwright notice.
 */
export async function killPersonBrowser (dir: string): Promise<number> {
  const procs: Array<{ pid: number, ppid: number, cmdline: string }> = []
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const cmdline = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0').join(' ')
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8')
      // Field 4 (ppid) follows the command name in parentheses, which may hold spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      procs.push({ pid: Number(entry), ppid, cmdline })
    } catch {
      // The process ended while we looked.
    }
  }
  const doomed = new Set(procs.filter((p) => p.cmdline.includes(`--user-data-dir=${dir}`)).map((p) => p.pid))
  for (let grew = true; grew;) {
    grew = false
    for (const p of procs) if (doomed.has(p.ppid) && !doomed.has(p.pid)) { doomed.add(p.pid); grew = true }
  }
  for (const pid of doomed) {
    try { process.kill(pid, 'SIGKILL') } catch { /* already gone */ }
  }
  return doomed.size
}
