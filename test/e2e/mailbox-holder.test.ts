import { afterAll, beforeAll, expect, it } from 'vitest'
import { multiaddr } from '@multiformats/multiaddr'
import { MessageType, type KadDHT, type QueryEvent } from '@libp2p/kad-dht'
import type { Libp2p } from 'libp2p'
import { startRelay, type RunningRelay } from '../harness/relay.ts'
import { openPersonBrowser, type PersonBrowser } from '../harness/browser.ts'
import { createProfile, inviteLink, ownId, waitUntil } from '../harness/person.ts'
import { createTestPeer } from '../harness/test-peer.ts'
import { decodeUserId } from '../../src/core/user-id.ts'
import { decodePresence, presenceKey } from '../../src/core/presence.ts'
import { mailboxSlot, slotEpoch } from '../../src/core/mailbox/slots.ts'
import { encodeMailboxRecord } from '../../src/core/mailbox/record.ts'
import { TAB_STORE_LIMITS } from '../../src/core/holder/store-limits.ts'

// A tab holds other people's mailbox records within TAB_STORE_LIMITS. A Node peer (one
// PeerId, so one writer) PUTs valid records through kad-dht until the tab refuses: this
// checks the patched kad-dht in the real bundle, the holder datastore on real IndexedDB.

let relay: RunningRelay
let bob: PersonBrowser
let peer: Libp2p<{ dht: KadDHT }>

beforeAll(async () => {
  relay = await startRelay()
  bob = await openPersonBrowser(relay.url)
  peer = await createTestPeer(relay.url) as Libp2p<{ dht: KadDHT }>
})
afterAll(async () => {
  await peer?.stop()
  await bob?.dispose()
  await relay?.stop()
})

/** Record n of one conversation: sixteen slots a day, so later ones use the next days' slots. */
function mailboxRecord (n: number, seq = 1): { key: Uint8Array, value: Uint8Array } {
  const slot = mailboxSlot(new Uint8Array(32).fill(3), new Uint8Array(32).fill(4), slotEpoch() + Math.floor(n / 16), n % 16)
  const now = Date.now()
  const value = encodeMailboxRecord(slot.writeKey, {
    seq,
    createdAt: now,
    expiresAt: now + 24 * 3600_000,
    entries: [{ id: new Uint8Array(16).fill(n % 256), payload: new Uint8Array(64).fill(seq) }]
  })
  return { key: slot.key, value }
}

/** What the tab answered to one PUT: its PUT_VALUE response, or the error kad-dht reported for it. */
async function putToTab (key: Uint8Array, value: Uint8Array, tabPeerId: string): Promise<'accepted' | string> {
  const events: QueryEvent[] = []
  for await (const event of peer.services.dht.put(key, value, { signal: AbortSignal.timeout(15_000) })) events.push(event)
  const fromTab = events.filter((e) => 'from' in e && e.from.toString() === tabPeerId)
  if (fromTab.some((e) => e.name === 'PEER_RESPONSE' && e.messageType === MessageType.PUT_VALUE)) return 'accepted'
  const error = fromTab.find((e) => e.name === 'QUERY_ERROR')
  if (error != null && error.name === 'QUERY_ERROR') return error.error.name
  throw new Error(`the PUT never reached the tab: ${events.map((e) => e.name).join(', ')}`)
}

it('a tab keeps a writer\'s mailbox records up to its share, then refuses by resetting the stream, and still takes updates', async () => {
  await createProfile(bob.page, 'Bob')
  const bobKey = decodeUserId(await ownId(bob.page))
  await inviteLink(bob.page)

  let addrs: string[] = []
  let tabPeerId = ''
  await waitUntil(async () => {
    const record = await peer.contentRouting.get(presenceKey(bobKey), { signal: AbortSignal.timeout(5_000) })
    const first = decodePresence(record).peers[0]
    addrs = first?.addrs ?? []
    tabPeerId = first?.peerId ?? ''
    return addrs.length > 0
  }, "Bob's presence record")
  // Directly connected, and once identify has shown the tab to be a DHT server, kad-dht on
  // the peer counts it among the closest peers and sends it every PUT.
  const connection = await peer.dial(multiaddr(addrs[0]!), { signal: AbortSignal.timeout(20_000) })
  const routingTable = (peer.services.dht as any).routingTable as { find: (id: unknown) => Promise<unknown> }
  await waitUntil(async () => (await routingTable.find(connection.remotePeer)) != null, 'the tab in the peer\'s DHT routing table')

  const share = TAB_STORE_LIMITS.mailbox.perSourceCount
  const records = Array.from({ length: share + 1 }, (_, n) => mailboxRecord(n))
  for (let n = 0; n < share; n++) {
    expect(await putToTab(records[n]!.key, records[n]!.value, tabPeerId), `record ${n}`).toBe('accepted')
  }
  // The tab resets the stream; over WebRTC the writer sees that as a reset or as the stream
  // ending before any answer, depending on which reaches it first.
  expect(['StreamResetError', 'UnexpectedEOFError']).toContain(await putToTab(records[share]!.key, records[share]!.value, tabPeerId))

  // Full for new slots from this writer, not for a new version of a slot it holds.
  const update = mailboxRecord(0, 2)
  expect(await putToTab(update.key, update.value, tabPeerId)).toBe('accepted')
})
