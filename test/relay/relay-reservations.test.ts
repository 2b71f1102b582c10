import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Libp2p } from 'libp2p'
import { startRelayProcess, type RelayProcess } from './support/relay-process.ts'
import { circuitAddrs, reserveOnRelay } from './support/relay-client.ts'
import { waitFor } from './support/dht-client.ts'

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
