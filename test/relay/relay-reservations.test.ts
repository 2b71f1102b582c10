import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Libp2p } from 'libp2p'
import { startRelayProcess, type RelayProcess } from '../harness/relay-process.ts'
import { circuitAddrs, reserveOnRelay } from './support/relay-client.ts'
import { waitFor } from '../harness/dht-client.ts'
import { multiaddr } from '@multiformats/multiaddr'
import { MAX_CONNECTIONS_PER_PEER } from '../../relay/reservation-policy.ts'

describe('relay reservations', () => {
  let root: string
  let relay: RelayProcess | undefined
  const clients: Libp2p[] = []

  async function reservations (): Promise<number> {
    return (await (await fetch(new URL('/health', relay!.url))).json()).reservations
  }

  async function reserve (): Promise<Libp2p> {
    const client = await reserveOnRelay(relay!.relayAddr)
    clients.push(client)
    return client
  }

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'murmur-relay-reservations-'))
    // Everyone here is 127.0.0.1, so the per-IP cap is the one that bites.
    relay = await startRelayProcess(['--data', join(root, 'data'), '--app', root, '--max-reservations-per-ip', '2'])
  })

  afterAll(async () => {
    await Promise.allSettled(clients.map(async (c) => c.stop()))
    await relay?.stop()
    await rm(root, { recursive: true, force: true })
  })

  it('gives a tab a circuit address through the relay', async () => {
    const client = await reserve()
    expect(circuitAddrs(client)).toEqual([`${relay!.relayAddr}/p2p-circuit/p2p/${client.peerId.toString()}`])
    expect(await reservations()).toBe(1)
  })

  it('refuses a reservation past the per-IP cap', async () => {
    await reserve()
    expect(await reservations()).toBe(2)
    await expect(reserveOnRelay(relay!.relayAddr)).rejects.toThrow(/PERMISSION_DENIED/)
    expect(await reservations()).toBe(2)
  })

  it('frees the slot as soon as a tab goes away, not when the reservation expires', async () => {
    await clients.shift()!.stop()
    await waitFor(async () => await reservations() === 1, 'the reservation to be released')
    const client = await reserve()
    expect(circuitAddrs(client)).toHaveLength(1)
    expect(await reservations()).toBe(2)
  })
})

describe('relay caps', () => {
  let root: string
  let relay: RelayProcess | undefined
  const clients: Libp2p[] = []

  const health = async (): Promise<{ status: string, reservations: number, connections: number }> =>
    (await fetch(new URL('/health', relay!.url))).json()

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'murmur-relay-caps-'))
    relay = await startRelayProcess(['--data', join(root, 'data'), '--app', root, '--max-reservations', '2'])
  })

  afterAll(async () => {
    await Promise.allSettled(clients.map(async (c) => c.stop()))
    await relay?.stop()
    await rm(root, { recursive: true, force: true })
  })

  it('answers a reservation past the total cap with RESERVATION_REFUSED and keeps serving', async () => {
    clients.push(await reserveOnRelay(relay!.relayAddr), await reserveOnRelay(relay!.relayAddr))
    await expect(reserveOnRelay(relay!.relayAddr)).rejects.toThrow(/RESERVATION_REFUSED/)
    expect(await health()).toMatchObject({ status: 'ok', reservations: 2 })
    // The holders are unharmed: each still has its circuit address.
    for (const client of clients) expect(circuitAddrs(client)).toHaveLength(1)
  })

  it('refuses one peer more than a few connections at once, without touching the one it has', async () => {
    const client = clients[0]!
    // One after another: libp2p folds dials to one peer that are under way into one.
    const relayId = relay!.relayAddr.split('/p2p/')[1]
    const extra = 2 * MAX_CONNECTIONS_PER_PEER
    for (let i = 0; i < extra; i++) {
      await client.dial(multiaddr(relay!.relayAddr), { force: true, signal: AbortSignal.timeout(10_000) }).catch(() => {})
    }
    // The relay refuses after the encryption handshake, so the client may see a connection
    // open for a moment before the relay closes it: wait for the relay's side to show.
    const openToRelay = (): number => client.getConnections().filter((c) => c.remotePeer.toString() === relayId && c.status === 'open').length
    await waitFor(() => openToRelay() <= MAX_CONNECTIONS_PER_PEER, 'the relay to close the connections past the cap')
    expect(openToRelay()).toBeGreaterThan(0)
    expect(await health()).toMatchObject({ status: 'ok', reservations: 2 })
    expect((await health()).connections).toBeLessThanOrEqual(MAX_CONNECTIONS_PER_PEER + 1)
    expect(circuitAddrs(client)).toHaveLength(1)
  })
})
