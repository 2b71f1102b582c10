import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const EXECUTABLE = process.env.MURMUR_CHROMIUM ?? '/usr/bin/chromium'

// Flags checked on these machines (../shared/TESTING.md). WebRTC on loopback needs the
// loopback flag AND a granted microphone permission.
const ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--allow-loopback-in-peer-connection'
]
const PERMISSIONS = ['microphone', 'clipboard-read', 'clipboard-write']

if (process.env.MURMUR_NETNS !== '1') {
  // Outside the loopback-only namespace Chromium would run ICE checks on every interface.
  throw new Error('End-to-end tests run through `npm test`, which confines them to loopback.')
}

/** A browser process holding one persistent profile directory, like a person's browser. */
export interface PersonBrowser {
  context: BrowserContext
  page: Page
  dir: string
  close: () => Promise<void>
  /** Closes the browser and deletes its profile directory. */
  dispose: () => Promise<void>
}

/** `extraArgs` adds Chromium flags, e.g. --ignore-certificate-errors-spki-list for a test certificate. */
export async function openPersonBrowser (url: string, dir?: string, extraArgs: string[] = []): Promise<PersonBrowser> {
  const profileDir = dir ?? await mkdtemp(join(tmpdir(), 'murmur-chromium-'))
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: EXECUTABLE,
    headless: true,
    args: [...ARGS, ...extraArgs],
    permissions: PERMISSIONS
  })
  await context.addInitScript(trackPeerConnections)
  const page = context.pages()[0] ?? await context.newPage()
  await page.goto(url)
  const close = async (): Promise<void> => { await context.close().catch(() => {}) }
  return {
    context, page, dir: profileDir, close,
    dispose: async () => { await close(); await rm(profileDir, { recursive: true, force: true }) }
  }
}

/** One browser process for several people, each in its own context (separate storage). */
export async function launchSharedBrowser (extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: EXECUTABLE, headless: true, args: [...ARGS, ...extraArgs] })
}

export async function openPersonInBrowser (browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ permissions: PERMISSIONS })
  await context.addInitScript(trackPeerConnections)
  const page = await context.newPage()
  await page.goto(url)
  return page
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
