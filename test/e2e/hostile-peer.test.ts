import { afterAll, beforeAll, expect, it } from 'vitest'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import type { Libp2p } from 'libp2p'
import { startRelay, type RunningRelay } from '../harness/relay.ts'
import { openPersonBrowser, type PersonBrowser } from '../harness/browser.ts'
import { acceptRequest, addContact, createProfile, inviteLink, messageItems, openConversation, ownId, sendMessage, waitForMessage, waitUntil } from '../harness/person.ts'
import { createTestPeer } from '../harness/test-peer.ts'
import { decodeUserId } from '../../src/core/user-id.ts'
import { decodePresence, presenceKey } from '../../src/core/presence.ts'
import { createIdentity } from '../../src/core/identity.ts'
import { encodeEnvelope } from '../../src/core/envelope.ts'
import { newMessageId } from '../../src/core/message-id.ts'
import { DM_PROTOCOL } from '../../src/net/dm-link.ts'
import { MAX_FRAME_BYTES } from '../../src/core/frame.ts'

let relay: RunningRelay
let bob: PersonBrowser
let peer: Libp2p

beforeAll(async () => {
  relay = await startRelay()
  bob = await openPersonBrowser(relay.url)
  peer = await createTestPeer(relay.url)
})
afterAll(async () => {
  await peer?.stop()
  await bob?.dispose()
  await relay?.stop()
})

it('garbage and an oversized frame on /murmur/dm/1.0.0 change nothing, and the tab keeps working', async () => {
  await createProfile(bob.page, 'Bob')
  const bobKey = decodeUserId(await ownId(bob.page))
  await inviteLink(bob.page)

  // Find Bob's tab the way anyone who knows his ID can: his presence record in the DHT.
  let addrs: string[] = []
  await waitUntil(async () => {
    const record = await peer.contentRouting.get(presenceKey(bobKey), { signal: AbortSignal.timeout(5_000) })
    addrs = decodePresence(record).peers.flatMap((p) => p.addrs)
    return addrs.length > 0
  }, "Bob's presence record")
  const connection = await peer.dial(multiaddr(addrs[0]!), { signal: AbortSignal.timeout(20_000) })
  expect(connection.limits).toBeUndefined()

  // 1. Random frames, a frame of zero bytes, a hello signed by the wrong key, a sealed
  //    payload before any hello, then a valid hello from a stranger followed by sealed
  //    payloads that no session can open: each is refused, none adds a contact or a message.
  const stream = await connection.newStream(DM_PROTOCOL)
  const lp = lpStream(stream)
  for (let i = 0; i < 200; i++) {
    await lp.write(crypto.getRandomValues(new Uint8Array(1 + (i * 37) % 2000)))
  }
  await lp.write(new Uint8Array(0))
  const mallory = createIdentity()
  const hello = (): Uint8Array => encodeEnvelope(mallory, {
    kind: 'hello', to: bobKey, id: newMessageId(), sentAt: Date.now(), name: 'Mallory', peerId: peer.peerId.toString()
  })
  const forged = hello()
  forged[forged.length - 1]! ^= 1
  await lp.write(forged)
  const sealed = (): Uint8Array => encodeEnvelope(mallory, {
    kind: 'sealed', to: bobKey, payload: crypto.getRandomValues(new Uint8Array(300))
  })
  await lp.write(sealed())
  await lp.write(hello())
  for (let i = 0; i < 20; i++) await lp.write(sealed())
  // A session start with a valid shape but keys that agree on nothing.
  await lp.write(encodeEnvelope(mallory, { kind: 'sealed', to: bobKey, payload: Uint8Array.of(1, ...crypto.getRandomValues(new Uint8Array(400))) }))

  // 2. An oversized frame: the length prefix alone gets the stream reset.
  const big = await connection.newStream(DM_PROTOCOL)
  const bigLp = lpStream(big, { maxDataLength: 10 * MAX_FRAME_BYTES })
  const closed = new Promise<void>((resolve) => { big.addEventListener('close', () => { resolve() }) })
  await bigLp.write(new Uint8Array(MAX_FRAME_BYTES + 1)).catch(() => {})
  await Promise.race([closed, new Promise((_r, reject) => setTimeout(() => reject(new Error('oversized frame was not refused')), 10_000))])

  // The tab is alive and its state is unchanged: no contacts, and a real person still gets through.
  expect(await bob.page.getByRole('navigation', { name: 'Contacts' }).getByRole('button').count()).toBe(0)
  const ann = await openPersonBrowser(relay.url)
  try {
    await createProfile(ann.page, 'Ann')
    await addContact(ann.page, await inviteLink(bob.page))
    await sendMessage(ann.page, 'still there?')
    await acceptRequest(bob.page, 'Ann')
    await openConversation(bob.page, 'Ann')
    await waitForMessage(bob.page, 'still there?')
    const contacts = await bob.page.getByRole('navigation', { name: 'Contacts' }).getByRole('button').allTextContents()
    expect(contacts).toHaveLength(1)
    expect(contacts[0]).toMatch(/^Ann/)
    expect((await messageItems(bob.page)).join('\n')).not.toMatch(/Mallory/)
  } finally {
    await ann.dispose()
  }
})
