import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHmac } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { lpStream } from '@libp2p/utils'
import type { Libp2p } from 'libp2p'
import { multiaddr } from '@multiformats/multiaddr'
import { startRelayProcess, type RelayProcess } from '../harness/relay-process.ts'
import { connectDhtClient, type DhtClient } from '../harness/dht-client.ts'
import { reserveOnRelay } from '../relay/support/relay-client.ts'
import { fetchTurnServers, TURN_PROTOCOL } from '../../src/net/turn-credentials.ts'
import { metric } from './support/relay-dht.ts'

// Issue 15 item 11: TURN credentials only for peers holding a reservation. They used to be
// in /murmur-config.json, served over plain HTTP to anyone: a stranger could fetch a fresh
// credential every day and relay anything through the operator's TURN server. Now the file
// names the TURN URLs alone, and the relay hands credentials over libp2p
// (/murmur/turn-credentials/1.0.0) to a peer that holds a reservation on it.

const SECRET = 'turn-test-secret'
const TURN_URL = 'turn:127.0.0.1:3478?transport=udp'

describe('TURN credentials', () => {
  let root: string
  let relay: RelayProcess
  const nodes: Libp2p[] = []

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'murmur-turn-'))
    await mkdir(join(root, 'app'))
    await writeFile(join(root, 'app', 'index.html'), '<!doctype html>')
    relay = await startRelayProcess(['--data', join(root, 'data'), '--app', join(root, 'app'), '--turn', TURN_URL], undefined, { MURMUR_TURN_SECRET: SECRET })
  })

  afterAll(async () => {
    await Promise.all(nodes.map(async (n) => n.stop()))
    await relay?.stop()
    await rm(root, { recursive: true, force: true })
  })

  it('are not in /murmur-config.json, which names the TURN server alone', async () => {
    const config = await (await fetch(new URL('/murmur-config.json', relay.url))).json()
    expect(config.iceServers).toEqual([{ urls: [TURN_URL] }])
    expect(JSON.stringify(config)).not.toMatch(/credential|username/)
  })

  it('are handed over libp2p to a peer that holds a reservation, and valid for the TURN server', async () => {
    const tab = await reserveOnRelay(relay.relayAddr)
    nodes.push(tab)
    const [server] = await fetchTurnServers(tab, AbortSignal.timeout(10_000))
    expect(server!.urls).toEqual([TURN_URL])
    // What coturn (use-auth-secret) checks: the password is HMAC-SHA1(secret, username).
    expect(server!.credential).toBe(createHmac('sha1', SECRET).update(server!.username!).digest('base64'))
    expect(Number(server!.username!.split(':')[0]) * 1000).toBeGreaterThan(Date.now())
  })

  it('are refused to a peer without a reservation', async () => {
    const stranger: DhtClient = await connectDhtClient(relay.relayAddr)
    nodes.push(stranger)
    const relayId = multiaddr(relay.relayAddr).getComponents().findLast((c) => c.name === 'p2p')!.value!
    const stream = await stranger.dialProtocol(stranger.getConnections().find((c) => c.remotePeer.toString() === relayId)!.remoteAddr, TURN_PROTOCOL)
    const answer = JSON.parse(new TextDecoder().decode((await lpStream(stream).read()).subarray()))
    expect(answer).toEqual({ error: expect.stringMatching(/only to peers that hold a reservation/) })
    expect(await metric(relay, 'murmur_relay_turn_credentials_total{outcome="refused"}')).toBe(1)
    expect(await metric(relay, 'murmur_relay_turn_credentials_total{outcome="handed"}')).toBe(1)
  })
})
