import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type WebSocket from 'ws'
import { connectDhtClient, waitFor, type DhtClient } from '../harness/dht-client.ts'
import { startRelayProcess, type RelayProcess } from '../harness/relay-process.ts'
import { presence } from './support/records.ts'
import { metric, putThrough } from './support/relay-dht.ts'

// Issue 15 item 11: a cap on the connections one address holds open at once, and, behind
// the shipped nginx config, the client's address taken from the proxy's header, believed
// only from the configured proxy. Here 127.0.0.1 plays the proxy (it adds the headers
// nginx adds); other loopback addresses play clients that connect directly.
// Through the environment, so an older relay (which ignores unknown variables) runs it too.
const LIMITS = {
  MURMUR_MAX_CONNECTIONS_PER_IP: '3',
  MURMUR_TRUSTED_PROXY: '127.0.0.1',
  MURMUR_DIRECTORY_MAX_RECORDS_PER_SOURCE: '1'
}

describe('connections per address', () => {
  let root: string
  let relay: RelayProcess
  const clients: DhtClient[] = []

  /** Connects with these socket options; 'refused' when the relay closes the connection. */
  const connect = async (webSocket: WebSocket.ClientOptions): Promise<DhtClient | 'refused'> => {
    try {
      const client = await connectDhtClient(relay.relayAddr, { webSocket })
      clients.push(client)
      return client
    } catch {
      return 'refused'
    }
  }
  const outcomes = async (n: number, options: (i: number) => WebSocket.ClientOptions): Promise<string[]> => {
    const out: string[] = []
    for (let i = 0; i < n; i++) out.push((await connect(options(i))) === 'refused' ? 'refused' : 'open')
    return out
  }
  const viaProxy = (headers: Record<string, string>): WebSocket.ClientOptions => ({ localAddress: '127.0.0.1', headers })

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'murmur-conn-cap-'))
    await mkdir(join(root, 'app'))
    await writeFile(join(root, 'app', 'index.html'), '<!doctype html>')
    relay = await startRelayProcess(['--data', join(root, 'data'), '--app', join(root, 'app'), '--log', 'debug'], undefined, LIMITS)
  })

  afterAll(async () => {
    await Promise.all(clients.map(async (c) => c.stop()))
    await relay?.stop()
    await rm(root, { recursive: true, force: true })
  })

  it('refuses a fourth connection from one address, and not from another', async () => {
    expect(await outcomes(4, () => ({ localAddress: '127.0.0.2' }))).toEqual(['open', 'open', 'open', 'refused'])
    expect(await outcomes(1, () => ({ localAddress: '127.0.0.3' }))).toEqual(['open'])
    await waitFor(() => /refused a connection from 127\.0\.0\.2: it holds 3 already/.test(relay.output()), 'the refusal in the log')
    expect(await metric(relay, 'murmur_relay_connections_refused_per_ip_total')).toBe(1)
    expect(await metric(relay, 'murmur_relay_connections_busiest_ip')).toBe(3)
  })

  it('counts a closed connection out', async () => {
    // The first client connected from 127.0.0.2.
    await clients.shift()!.stop()
    await waitFor(async () => await metric(relay, 'murmur_relay_connections_busiest_ip') < 3, 'the closed connection to be counted out')
    expect(await outcomes(1, () => ({ localAddress: '127.0.0.2' }))).toEqual(['open'])
  })

  it('behind the trusted proxy, counts each client by the address in its header', async () => {
    expect(await outcomes(4, () => viaProxy({ 'X-Forwarded-For': '198.51.100.7' }))).toEqual(['open', 'open', 'open', 'refused'])
    // nginx appends to what the client claimed: the last entry is the one the proxy saw.
    expect(await outcomes(1, () => viaProxy({ 'X-Forwarded-For': '198.51.100.7, 203.0.113.20' }))).toEqual(['open'])
    expect(await outcomes(1, () => viaProxy({ 'X-Real-IP': '198.51.100.8' }))).toEqual(['open'])
  })

  it('ignores the header from anyone but the proxy', async () => {
    expect(await outcomes(4, (i) => ({ localAddress: '127.0.0.4', headers: { 'X-Forwarded-For': `192.0.2.${i + 1}` } })))
      .toEqual(['open', 'open', 'open', 'refused'])
  })

  it('charges a DHT PUT behind the proxy to the client\'s network, not the proxy\'s', async () => {
    const client = await connect(viaProxy({ 'X-Real-IP': '203.0.113.5' }))
    expect(client).not.toBe('refused')
    const c = client as DhtClient
    expect(await putThrough(c, presence())).toBe('accepted')
    expect(await putThrough(c, presence())).toBe('refused')
    await waitFor(() => /refused a directory record from 203\.0\.113\.0\/24: per-source-count/.test(relay.output()), 'the refusal charged to 203.0.113.0/24')
  })
})
