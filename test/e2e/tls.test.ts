import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { startRelay, type RunningRelay } from './support/relay.ts'
import { launchSharedBrowser, openPersonInBrowser, peerConnectionConfigurations, webrtcStats } from './support/browser.ts'
import { addContact, createProfile, inviteLink, openConversation, sendMessage, waitForMessage, waitForStatus } from './support/person.ts'
import { makeLocalhostCertificate } from '../support/tls-cert.ts'

let dir: string
let relay: RunningRelay
let browser: Browser
let wsPort: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'murmur-tls-e2e-'))
  const cert = makeLocalhostCertificate(dir)
  relay = await startRelay({ args: ['--tls-cert', cert.certFile, '--tls-key', cert.keyFile] })
  wsPort = /MURMUR_RELAY=\/ip4\/127\.0\.0\.1\/tcp\/(\d+)\/tls\/ws\//.exec(relay.output())![1]!
  // Chromium trusts this one certificate, by its public key, for HTTPS and wss alike; the
  // flag takes effect only with a user data directory, which every Playwright launch has.
  browser = await launchSharedBrowser([`--ignore-certificate-errors-spki-list=${cert.spkiHash}`])
})

afterAll(async () => {
  await browser?.close()
  await relay?.stop()
  await rm(dir, { recursive: true, force: true })
})

describe('a relay that serves HTTPS and wss itself', () => {
  it('serves the app over https, the app reaches the relay over wss on its own host name, and two people chat directly', async () => {
    // localhost, not 127.0.0.1: the app must turn the relay's listening address (an IP)
    // into a wss address on the name the page came from, which the certificate covers.
    const url = relay.url.replace('127.0.0.1', 'localhost')
    expect(url).toMatch(/^https:\/\/localhost:\d+$/)
    const ann = await openPersonInBrowser(browser, url)
    const bob = await openPersonInBrowser(browser, url)
    expect(await ann.evaluate(() => location.protocol)).toBe('https:')

    await createProfile(ann, 'Ann')
    await createProfile(bob, 'Bob')
    await addContact(ann, await inviteLink(bob))
    await openConversation(ann, 'Bob')
    await sendMessage(ann, 'Hello over https')
    await waitForStatus(ann, 'direct')
    await openConversation(bob, 'Ann')
    await waitForMessage(bob, 'Hello over https')
    await sendMessage(bob, 'and back over wss signalling')
    await waitForMessage(ann, 'and back over wss signalling')

    // Settings names the relay address in use: wss on the page's host name.
    await ann.getByText('Settings', { exact: true }).click()
    const relays = await ann.getByRole('list', { name: 'Relays' }).getByRole('listitem').allTextContents()
    expect(relays).toHaveLength(1)
    expect(relays[0]).toMatch(new RegExp(`^/dns4/localhost/tcp/${wsPort}/tls/ws/p2p/12D3Koo\\w+$`))
    await ann.getByRole('region', { name: 'Network' }).getByText(/ICE servers/).waitFor()
    expect(await ann.getByRole('region', { name: 'Network' }).textContent()).toContain('None')

    // With no ICE servers configured the page's peer connections have none at all:
    // no third-party STUN default slipped in.
    const configurations = await peerConnectionConfigurations(ann)
    expect(configurations.length).toBeGreaterThan(0)
    for (const configuration of configurations) {
      expect(configuration.iceServers).toEqual([])
      expect(configuration.iceTransportPolicy).toBe('all')
    }
    const stats = await webrtcStats(ann)
    expect(stats.connected).toBeGreaterThan(0)
    expect(new Set(stats.candidateTypes)).toEqual(new Set(['host']))
  })
})
