import '../harness/node-shims.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLibp2p, type Libp2p } from 'libp2p'
import { webSockets } from '@libp2p/websockets'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { circuitRelayServer } from '@libp2p/circuit-relay-v2'
import { kadDHT } from '@libp2p/kad-dht'
import { multiaddr } from '@multiformats/multiaddr'
import { startRelayProcess, type RelayProcess } from '../harness/relay-process.ts'
import { prepareRelayIdentity } from '../harness/relay-identity.ts'
import { waitFor } from '../harness/dht-client.ts'
import { murmurDhtInit } from '../../src/net/dht-config.ts'
import { HOP_PROTOCOL } from '../../relay/relay-mesh.ts'

// Issue 15 item 8: a relay handed every connected peer that spoke the circuit relay (hop)
// and Murmur DHT protocols to every tab in /murmur-config.json, so anyone could run such a
// node, connect, and have tabs reserve on it (and see, refuse or drop their circuits).
// Now only relays the operator names (--bootstrap, --neighbour) are handed out.

async function servedRelays (relay: RelayProcess): Promise<string[]> {
  return (await (await fetch(new URL('/murmur-config.json', relay.url))).json()).relays
}

/** A node that speaks everything a Murmur relay speaks, listening on websockets like one. */
async function rogueRelay (): Promise<Libp2p> {
  return createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0/ws'] },
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: {
      identify: identify(),
      ping: ping(),
      relay: circuitRelayServer(),
      dht: kadDHT(murmurDhtInit({ clientMode: false }))
    }
  })
}

describe('the relay list a relay hands to tabs', () => {
  let root: string
  const relays: RelayProcess[] = []
  let rogue: Libp2p | undefined

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'murmur-relay-list-'))
    await mkdir(join(root, 'app'))
    await writeFile(join(root, 'app', 'index.html'), '<!doctype html>')
  })

  afterAll(async () => {
    await rogue?.stop()
    await Promise.allSettled(relays.map(async (r) => r.stop()))
    await rm(root, { recursive: true, force: true })
  })

  it('names the relays its operator named, and not a stranger that speaks the same protocols', async () => {
    const friendId = await prepareRelayIdentity(join(root, 'friend'))
    // Through the environment, so an older relay runs this too (and fails it for the right reason).
    const relay = await startRelayProcess(['--data', join(root, 'a'), '--app', join(root, 'app')], undefined, { MURMUR_NEIGHBOURS: friendId })
    relays.push(relay)
    const relayId = multiaddr(relay.relayAddr).getComponents().findLast((c) => c.name === 'p2p')!.value!

    rogue = await rogueRelay()
    expect(rogue.getMultiaddrs().length).toBeGreaterThan(0)
    const connection = await rogue.dial(multiaddr(relay.relayAddr))
    // Identify ran both ways: the rogue has the relay's protocols, the relay has the rogue's.
    await waitFor(async () => (await rogue!.peerStore.get(connection.remotePeer)).protocols.includes(HOP_PROTOCOL), 'identify with the relay')
    expect(connection.remotePeer.toString()).toBe(relayId)

    // A relay the operator named joins after the rogue, so once it is listed the rogue had its chance.
    const friend = await startRelayProcess(['--data', join(root, 'friend'), '--app', join(root, 'app'), '--bootstrap', relay.relayAddr])
    relays.push(friend)
    await waitFor(async () => (await servedRelays(relay)).includes(friend.relayAddr), 'the named relay in the configuration', 20_000)

    const listed = await servedRelays(relay)
    const rogueId = rogue.peerId.toString()
    expect(listed.filter((addr) => addr.includes(rogueId))).toEqual([])
    expect(listed).toEqual([relay.relayAddr, friend.relayAddr])
    expect(relay.output()).toMatch(new RegExp(`${rogueId} speaks the relay protocols but no --bootstrap or --neighbour names it`))
  })
})
