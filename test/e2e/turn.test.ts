import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHmac } from 'node:crypto'
import type { Browser, Page } from 'playwright-core'
import { startRelay, type RunningRelay } from '../harness/relay.ts'
import { startCoturn, type RunningCoturn } from '../harness/coturn.ts'
import { launchSharedBrowser, openPersonInBrowser, peerConnectionConfigurations, webrtcStats } from '../harness/browser.ts'
import {
  acceptRequest,
  addContact, connectionStatus, createProfile, inviteLink, openConversation, sendMessage, waitForMessage, waitForStatus
} from '../harness/person.ts'

let coturn: RunningCoturn
let relay: RunningRelay
let browser: Browser
let turnUrl: string
let stunUrl: string

beforeAll(async () => {
  coturn = await startCoturn()
  turnUrl = `turn:127.0.0.1:${coturn.port}?transport=udp`
  stunUrl = `stun:127.0.0.1:${coturn.port}`
  // --ice-transport-policy relay is an operator setting (hide people's addresses from each
  // other); here it also guarantees the chat cannot take a host path around TURN.
  relay = await startRelay({
    args: ['--stun', stunUrl, '--turn', turnUrl, '--ice-transport-policy', 'relay'],
    env: { MURMUR_TURN_SECRET: coturn.secret }
  })
  browser = await launchSharedBrowser()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await relay?.stop()
  await coturn?.stop()
})

/** Every host name or address that appears in a piece of configuration: in multiaddrs and in ICE URLs. */
function hostsIn (value: unknown): string[] {
  const text = JSON.stringify(value)
  const fromMultiaddrs = [...text.matchAll(/\/(?:ip4|ip6|dns|dns4|dns6|dnsaddr)\/([^/"]+)/g)].map((m) => m[1]!)
  const fromUrls = [...text.matchAll(/(?:stuns?|turns?):\[?([^:\]?"]+)/g)].map((m) => m[1]!)
  return [...fromMultiaddrs, ...fromUrls]
}

describe('a relay configured with a TURN server', () => {
  let ann: Page
  let bob: Page

  it('two people chat through TURN, and the conversation says so', async () => {
    ann = await openPersonInBrowser(browser, relay.url)
    bob = await openPersonInBrowser(browser, relay.url)
    await createProfile(ann, 'Ann')
    await createProfile(bob, 'Bob')
    await addContact(ann, await inviteLink(bob))
    await openConversation(ann, 'Bob')
    await sendMessage(ann, 'Hello through TURN')
    await waitForStatus(ann, 'via TURN', 60_000)
    await acceptRequest(bob, 'Ann')
    await openConversation(bob, 'Ann')
    await waitForMessage(bob, 'Hello through TURN')
    await waitForStatus(bob, 'via TURN')
    await sendMessage(bob, 'Reply through TURN')
    await waitForMessage(ann, 'Reply through TURN')
    expect(await connectionStatus(ann)).toContain('TURN server')
    expect(await connectionStatus(ann)).not.toContain('peer to peer')

    // The page's own peer connection agrees: connected, and its candidates are TURN relay ones.
    const stats = await webrtcStats(ann)
    expect(stats.connected).toBeGreaterThan(0)
    expect(stats.candidateTypes.length).toBeGreaterThan(0)
    expect(new Set(stats.candidateTypes)).toEqual(new Set(['relay']))
  })

  it('the page\'s RTCPeerConnections use exactly the ICE servers the relay hands out, and no third-party host', async () => {
    const configurations = await peerConnectionConfigurations(ann)
    expect(configurations.length).toBeGreaterThan(0)
    for (const configuration of configurations) {
      expect(configuration.iceTransportPolicy).toBe('relay')
      const servers = configuration.iceServers ?? []
      expect(servers.map((s) => s.urls)).toEqual([[stunUrl], [turnUrl]])
      const turn = servers[1]!
      // A TURN REST credential: "<expiry>:<label>", password = base64(HMAC-SHA1(secret, username)),
      // recomputed here from coturn's secret without the relay's code.
      const expiry = Number(/^(\d+):\S+$/.exec(turn.username!)![1])
      expect(expiry * 1000).toBeGreaterThan(Date.now())
      expect(turn.credential).toBe(createHmac('sha1', coturn.secret).update(turn.username!).digest('base64'))
    }

    const served = await ann.evaluate(async () => (await fetch('/murmur-config.json')).json())
    const everything = { served, configurations }
    const hosts = hostsIn(everything)
    expect(hosts.length).toBeGreaterThan(3)
    expect(new Set(hosts)).toEqual(new Set(['127.0.0.1']))
    // The stock @libp2p/webrtc defaults name these; none may appear.
    expect(JSON.stringify(everything)).not.toMatch(/google|twilio|cloudflare|mozilla/i)
  })

  it('Settings lists the ICE servers in use without their credentials', async () => {
    await ann.getByText('Settings', { exact: true }).click()
    const listed = await ann.getByRole('list', { name: 'ICE servers' }).getByRole('listitem').allTextContents()
    expect(listed).toEqual([stunUrl, turnUrl])
    const network = (await ann.getByRole('region', { name: 'Network' }).textContent()) ?? ''
    expect(network).toContain('Every conversation goes through the TURN server')
    const credential = (await peerConnectionConfigurations(ann))[0]!.iceServers![1]!.credential as string
    expect(await ann.content()).not.toContain(credential)
  })
})
