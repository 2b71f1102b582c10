import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { startRelay, type RunningRelay } from '../harness/relay.ts'
import { launchSharedBrowser, openPersonInBrowser, peerConnectionConfigurations, webrtcStats } from '../harness/browser.ts'
import { acceptRequest, addContact, createProfile, inviteLink, openConversation, sendMessage, waitForMessage, waitForStatus } from '../harness/person.ts'
import { hasNginx, startNginx } from '../harness/nginx.ts'
import { makeLocalhostCertificate, type TestCertificate } from '../support/tls-cert.ts'

let dir: string
let cert: TestCertificate
let browser: Browser

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'murmur-tls-e2e-'))
  cert = makeLocalhostCertificate(dir)
  // Chromium trusts this one certificate, by its public key, for HTTPS and wss alike; the
  // flag takes effect only with a user data directory, which every Playwright launch has.
  // (A context with ignoreHTTPSErrors covers wss too, checked with Playwright 1.65; the
  // flag is closer to a real trust decision: this one key, nothing else.)
  browser = await launchSharedBrowser([`--ignore-certificate-errors-spki-list=${cert.spkiHash}`])
})

afterAll(async () => {
  await browser?.close()
  await rm(dir, { recursive: true, force: true })
})

const portOf = (pattern: RegExp, text: string): number => Number(pattern.exec(text)![1])

/**
 * Two people on an https page: they chat directly, and Settings names the one relay
 * address in use. `url` uses localhost, not 127.0.0.1: the app must put the name the page
 * came from (which the certificate covers) into the relay's wss address.
 */
async function chatOverHttps (url: string): Promise<{ ann: Page, relays: string[] }> {
  const ann = await openPersonInBrowser(browser, url)
  const bob = await openPersonInBrowser(browser, url)
  expect(await ann.evaluate(() => location.protocol)).toBe('https:')
  await createProfile(ann, 'Ann')
  await createProfile(bob, 'Bob')
  await addContact(ann, await inviteLink(bob))
  await openConversation(ann, 'Bob')
  await sendMessage(ann, 'Hello over https')
  await waitForStatus(ann, 'direct')
  await acceptRequest(bob, 'Ann')
  await openConversation(bob, 'Ann')
  await waitForMessage(bob, 'Hello over https')
  await sendMessage(bob, 'and back, signalled over wss')
  await waitForMessage(ann, 'and back, signalled over wss')
  const stats = await webrtcStats(ann)
  expect(stats.connected).toBeGreaterThan(0)
  expect(new Set(stats.candidateTypes)).toEqual(new Set(['host']))

  await ann.getByText('Settings', { exact: true }).click()
  const relays = await ann.getByRole('list', { name: 'Relays' }).getByRole('listitem').allTextContents()
  return { ann, relays }
}

describe('a relay that serves HTTPS and wss itself', () => {
  let relay: RunningRelay
  beforeAll(async () => { relay = await startRelay({ args: ['--tls-cert', cert.certFile, '--tls-key', cert.keyFile] }) })
  afterAll(async () => { await relay?.stop() })

  it('serves the app over https; the app reaches the relay over wss on its own host name; two people chat directly', async () => {
    expect(relay.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    const wsPort = portOf(/MURMUR_RELAY=\/ip4\/127\.0\.0\.1\/tcp\/(\d+)\/tls\/ws\//, relay.output())
    const { ann, relays } = await chatOverHttps(relay.url.replace('127.0.0.1', 'localhost'))
    expect(relays).toHaveLength(1)
    expect(relays[0]).toMatch(new RegExp(`^/dns4/localhost/tcp/${wsPort}/tls/ws/p2p/12D3KooW\\w+$`))

    // No ICE servers configured: Settings says so, and the page's peer connections have
    // none at all (no third-party STUN default slipped in).
    expect(await ann.getByRole('region', { name: 'Network' }).textContent()).toMatch(/ICE servers\s*None/)
    const configurations = await peerConnectionConfigurations(ann)
    expect(configurations.length).toBeGreaterThan(0)
    for (const configuration of configurations) {
      expect(configuration.iceServers).toEqual([])
      expect(configuration.iceTransportPolicy).toBe('all')
    }
  })
})

describe.skipIf(!hasNginx)('a relay behind nginx with deploy/nginx-murmur.conf (skipped where nginx is not installed)', () => {
  let relay: RunningRelay
  let nginx: Awaited<ReturnType<typeof startNginx>>
  beforeAll(async () => {
    relay = await startRelay()
    nginx = await startNginx({
      certFile: cert.certFile,
      keyFile: cert.keyFile,
      relayHttpPort: Number(new URL(relay.url).port),
      relayWsPort: portOf(/MURMUR_RELAY=\/ip4\/127\.0\.0\.1\/tcp\/(\d+)\/ws\//, relay.output())
    })
  })
  afterAll(async () => {
    await nginx?.stop()
    await relay?.stop()
  })

  it('serves the app over nginx\'s https; the app dials wss on the same origin, which nginx passes to the relay', async () => {
    const { relays } = await chatOverHttps(`https://localhost:${nginx.port}`)
    expect(relays).toHaveLength(1)
    expect(relays[0]).toMatch(new RegExp(`^/dns4/localhost/tcp/${nginx.port}/tls/ws/p2p/12D3KooW\\w+$`))
  })
})
