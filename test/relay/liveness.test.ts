import '../harness/node-shims.ts'
import { afterEach, describe, expect, it } from 'vitest'
import { createLibp2p, type Libp2p } from 'libp2p'
import { webSockets } from '@libp2p/websockets'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { ping } from '@libp2p/ping'
import { PING_PROTOCOL, slotOf, startLiveness, type Liveness } from '../../relay/liveness.ts'

// Two real libp2p nodes over websockets on loopback: one plays the relay and runs the
// staggered liveness check; the other plays a tab, which at some point stops answering.

const FAST = { intervalMs: 400, tickMs: 50, timeoutMs: 600 }

async function node (listen: boolean): Promise<Libp2p> {
  return await createLibp2p({
    addresses: { listen: listen ? ['/ip4/127.0.0.1/tcp/0/ws'] : [] },
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // Only the liveness under test pings.
    connectionMonitor: { enabled: false },
    services: { ping: ping() }
  })
}

const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

describe('relay liveness', () => {
  const stops: Array<() => Promise<void> | void> = []
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop()
  })

  it('spreads connections evenly over the slots, and a connection keeps its slot', () => {
    const slots = 60
    const counts = new Array<number>(slots).fill(0)
    for (let i = 0; i < 6000; i++) counts[slotOf(crypto.randomUUID(), slots)]!++
    // 100 expected per slot; a burst in one tick is what this module exists to avoid.
    expect(Math.max(...counts)).toBeLessThan(160)
    expect(Math.min(...counts)).toBeGreaterThan(50)
    expect(slotOf('conn-1', slots)).toBe(slotOf('conn-1', slots))
  })

  it('keeps a peer that answers, and aborts the connection of one that stops answering', async () => {
    const relay = await node(true)
    const tab = await node(false)
    stops.push(async () => { await relay.stop() }, async () => { await tab.stop() })
    let liveness: Liveness | undefined
    stops.push(() => liveness?.stop())
    liveness = startLiveness(relay, FAST)

    await tab.dial(relay.getMultiaddrs()[0]!)
    // Several full intervals of pings answered: still connected, nothing aborted.
    await sleep(FAST.intervalMs * 4)
    expect(relay.getConnections(tab.peerId)).toHaveLength(1)
    expect(liveness.aborted()).toBe(0)

    // The tab now takes the ping stream and never answers, as a frozen peer would.
    await tab.unhandle(PING_PROTOCOL)
    await tab.handle(PING_PROTOCOL, () => {})
    const deadline = Date.now() + FAST.intervalMs + FAST.timeoutMs + 5000
    while (relay.getConnections(tab.peerId).length > 0 && Date.now() < deadline) await sleep(50)
    expect(relay.getConnections(tab.peerId)).toHaveLength(0)
    expect(liveness.aborted()).toBe(1)
  })

  it('counts a peer that does not speak ping as alive: it answered the negotiation', async () => {
    const relay = await node(true)
    const tab = await node(false)
    stops.push(async () => { await relay.stop() }, async () => { await tab.stop() })
    await tab.unhandle(PING_PROTOCOL)
    const liveness = startLiveness(relay, FAST)
    stops.push(() => { liveness.stop() })
    await tab.dial(relay.getMultiaddrs()[0]!)
    await sleep(FAST.intervalMs * 3)
    expect(relay.getConnections(tab.peerId)).toHaveLength(1)
    expect(liveness.aborted()).toBe(0)
  })
})
