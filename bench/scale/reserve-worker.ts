// One process of simulated tabs for bench:relay-load and bench:churn: Node libp2p nodes
// that take a circuit-relay-v2 reservation over websockets (no WebRTC) and hold it.
// Driven by its parent over IPC; runs outside the relay's process so the relay's RSS is
// the relay's alone.
import './support.ts'
import { createLibp2p, type Libp2p } from 'libp2p'
import { webSockets } from '@libp2p/websockets'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { identify } from '@libp2p/identify'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { ping } from '@libp2p/ping'
import { kadDHT } from '@libp2p/kad-dht'
import { murmurDhtInit } from '../../src/net/dht-config.ts'

export type WorkerRequest =
  /** `dht`: each simulated tab also serves Murmur's DHT, as a real tab does. */
  | { type: 'add', count: number, relayAddrs: string[], concurrency: number, dht?: boolean }
  | { type: 'drop', count: number }
  | { type: 'stop' }

export type WorkerReply =
  | { type: 'added', times: number[], failures: string[], held: number }
  | { type: 'dropped', held: number, left: number }

const held: Libp2p[] = []

/** A tab's reservation: listening on <relay>/p2p-circuit; start() resolves once it is held. */
async function reserve (relayAddr: string, dht: boolean): Promise<{ node: Libp2p, ms: number }> {
  // Two shapes of service map; libp2p's types cannot join them, so the map is widened.
  const services: Record<string, (components: any) => unknown> = dht
    ? { identify: identify(), ping: ping(), dht: kadDHT(murmurDhtInit({ clientMode: false })) }
    : { identify: identify() }
  const node = await createLibp2p({
    start: false,
    addresses: { listen: [`${relayAddr}/p2p-circuit`] },
    transports: [webSockets(), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services
  })
  // The clock starts after the key is made: what is timed is the dial, the handshakes and
  // the reservation, which is what the relay serves.
  const started = performance.now()
  try {
    await node.start()
  } catch (err) {
    await Promise.resolve(node.stop()).catch(() => {})
    throw err
  }
  return { node, ms: performance.now() - started }
}

/** libp2p wraps the reason a listen failed (a refusal, a timeout) a level or two down. */
function describe (err: any): string {
  const inner = err?.errors?.[0] ?? err?.cause
  const text = `${err?.name ?? 'Error'}: ${String(err?.message ?? err).split('\n')[0]}`
  return (inner != null && inner !== err ? `${text} <- ${describe(inner)}` : text).slice(0, 300)
}

async function add (request: Extract<WorkerRequest, { type: 'add' }>): Promise<WorkerReply> {
  const times: number[] = []
  const failures: string[] = []
  let next = 0
  const lane = async (): Promise<void> => {
    while (next < request.count) {
      const i = next++
      const relayAddr = request.relayAddrs[(i + Math.floor(Math.random() * request.relayAddrs.length)) % request.relayAddrs.length]!
      try {
        const { node, ms } = await reserve(relayAddr, request.dht === true)
        held.push(node)
        times.push(ms)
      } catch (err: any) {
        failures.push(describe(err))
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(request.concurrency, request.count) }, lane))
  return { type: 'added', times, failures, held: held.length }
}

/** Leaves without a goodbye from the relay's point of view: the connection just closes. */
async function drop (count: number): Promise<WorkerReply> {
  const leaving: Libp2p[] = []
  for (let i = 0; i < count && held.length > 0; i++) {
    leaving.push(held.splice(Math.floor(Math.random() * held.length), 1)[0]!)
  }
  await Promise.allSettled(leaving.map(async (n) => n.stop()))
  return { type: 'dropped', held: held.length, left: leaving.length }
}

process.on('message', ({ id, request }: { id: number, request: WorkerRequest }) => {
  void (async () => {
    if (request.type === 'add') process.send!({ id, reply: await add(request) })
    else if (request.type === 'drop') process.send!({ id, reply: await drop(request.count) })
    else {
      await Promise.allSettled(held.map(async (n) => n.stop()))
      process.exit(0)
    }
  })()
})
// A stray rejection in one simulated tab must not end the others.
process.on('unhandledRejection', () => {})
