import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startRelayProcess, type RelayProcess } from '../harness/relay-process.ts'
import { connectDhtClient, waitFor } from '../harness/dht-client.ts'
import { validPresenceRecord } from './support/presence-fixture.ts'
import { prepareRelayIdentity } from '../harness/relay-identity.ts'

async function configuredRelays (relay: RelayProcess): Promise<string[]> {
  return (await (await fetch(new URL('/murmur-config.json', relay.url))).json()).relays
}

/**
 * Three relays of one network, each started the way an operator would: the second names
 * the first with --bootstrap, the third names both through MURMUR_BOOTSTRAP, and the ones
 * started first name those that will join them with --neighbour (only named relays are
 * handed to tabs).
 */
describe('relays as one network', () => {
  let root: string
  const relays: RelayProcess[] = []

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'murmur-relay-mesh-'))
    const start = async (name: string, args: string[] = [], env: Record<string, string> = {}): Promise<RelayProcess> => {
      const relay = await startRelayProcess(['--data', join(root, name), '--app', root, ...args], undefined, env)
      relays.push(relay)
      return relay
    }
    const [idB, idC] = await Promise.all([prepareRelayIdentity(join(root, 'b')), prepareRelayIdentity(join(root, 'c'))])
    const a = await start('a', ['--neighbour', `${idB},${idC}`])
    const b = await start('b', ['--bootstrap', a.relayAddr, '--neighbour', idC!])
    await start('c', [], { MURMUR_BOOTSTRAP: `${a.relayAddr},${b.relayAddr}` })
  })

  afterAll(async () => {
    await Promise.allSettled(relays.map(async (r) => r.stop()))
    await rm(root, { recursive: true, force: true })
  })

  it('hands tabs its own address first, then the relays it joined, whichever side dialed', async () => {
    const [a, b, c] = relays as [RelayProcess, RelayProcess, RelayProcess]
    for (const relay of relays) {
      const others = relays.filter((r) => r !== relay).map((r) => r.relayAddr)
      await waitFor(async () => others.every((o) => configuredRelays(relay).then((l) => l.includes(o))), 'every other relay in the configuration', 20_000)
    }
    expect((await configuredRelays(a))[0]).toBe(a.relayAddr)
    expect((await configuredRelays(b))[0]).toBe(b.relayAddr)
    expect((await configuredRelays(c))[0]).toBe(c.relayAddr)
  })

  it('serves one DHT: a record put through the first relay is found through the third', async () => {
    const [a, , c] = relays as [RelayProcess, RelayProcess, RelayProcess]
    const { key, value } = validPresenceRecord()
    const writer = await connectDhtClient(a.relayAddr)
    try {
      await writer.contentRouting.put(key, value, { signal: AbortSignal.timeout(20_000) })
    } finally {
      await writer.stop()
    }
    // A fresh client that only knows the third relay: the value comes from the network.
    const reader = await connectDhtClient(c.relayAddr)
    try {
      expect(await reader.contentRouting.get(key, { signal: AbortSignal.timeout(20_000) })).toEqual(value)
    } finally {
      await reader.stop()
    }
  })

  it('dials a bootstrap relay again when it comes back', async () => {
    const a = relays[0]!
    const c = relays[2]!
    expect(await a.stop()).toBe(0)
    await waitFor(async () => !(await configuredRelays(c)).includes(a.relayAddr), 'the stopped relay to leave the configuration', 20_000)
    const back = await startRelayProcess(['--data', join(root, 'a'), '--app', root, '--ws-port', a.relayAddr.split('/tcp/')[1]!.split('/')[0]!])
    relays[0] = back
    expect(back.relayAddr).toBe(a.relayAddr)
    // The relays that named it redial every 15 s; nobody restarts them.
    await waitFor(async () => (await configuredRelays(c)).includes(back.relayAddr), 'the restarted relay back in the configuration', 45_000)
  })
})
