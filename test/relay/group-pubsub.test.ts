import '../harness/node-shims.ts'
import { afterEach, describe, expect, it } from 'vitest'
import { createLibp2p, type Libp2p } from 'libp2p'
import { webSockets } from '@libp2p/websockets'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { identify } from '@libp2p/identify'
import { TopicValidatorResult, type GossipSub } from '@libp2p/gossipsub'
import { validateTopicScoreParams } from '@libp2p/gossipsub/score'
import { GROUP_TOPIC_SCORE, groupPubsub, scoreGroupTopic } from '../../src/net/group-pubsub.ts'
import { waitFor } from '../harness/dht-client.ts'

/**
 * The group gossip configuration on real js-libp2p nodes over websockets on loopback (Node
 * stands in for tabs: gossipsub is the same code, and WebRTC adds nothing to scoring). All
 * three peers share 127.0.0.1, as many tabs share a carrier NAT or a relay: the honest ones
 * must keep a good score, the one that sends invalid messages must not.
 */

type Node = Libp2p<{ pubsub: GossipSub }>
const nodes: Node[] = []
const TOPIC = '/murmur/group/1/test'

async function node (): Promise<Node> {
  const n = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0/ws'] },
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // Every peer here dials from 127.0.0.1: lift the per-host inbound rate limit.
    connectionManager: { inboundConnectionThreshold: 1000 },
    services: { identify: identify(), pubsub: groupPubsub() }
  })
  nodes.push(n)
  return n
}

afterEach(async () => {
  for (const n of nodes.splice(0)) await n.stop()
})

describe('group gossip', () => {
  it('uses score parameters gossipsub accepts', () => {
    expect(() => { validateTopicScoreParams(GROUP_TOPIC_SCORE) }).not.toThrow()
  })

  it('graylists a peer that sends invalid messages and keeps honest peers on the same IP in good standing', async () => {
    const [receiver, honest, forger] = [await node(), await node(), await node()]
    const seen: string[] = []
    receiver.services.pubsub.addEventListener('message', (e) => { seen.push(new TextDecoder().decode(e.detail.data)) })
    scoreGroupTopic(receiver.services.pubsub, TOPIC)
    receiver.services.pubsub.topicValidators.set(TOPIC, (_peer, msg) =>
      new TextDecoder().decode(msg.data).startsWith('valid') ? TopicValidatorResult.Accept : TopicValidatorResult.Reject)
    for (const n of [receiver, honest, forger]) n.services.pubsub.subscribe(TOPIC)
    await honest.dial(receiver.getMultiaddrs()[0]!)
    await forger.dial(receiver.getMultiaddrs()[0]!)
    await waitFor(() => receiver.services.pubsub.getSubscribers(TOPIC).length === 2 &&
      [honest, forger].every((n) => n.services.pubsub.getSubscribers(TOPIC).length === 1), 'every subscription known both ways')

    await honest.services.pubsub.publish(TOPIC, new TextEncoder().encode('valid 1'))
    await forger.services.pubsub.publish(TOPIC, new TextEncoder().encode('forged'))
    await waitFor(() => seen.includes('valid 1'), 'the honest message delivered')
    const score = (n: Node): number => (receiver.services.pubsub as any).score.score(n.peerId.toString())
    await waitFor(() => score(forger) < -80, 'the forger below the graylist threshold', 10_000)
    expect(score(honest)).toBeGreaterThanOrEqual(0)
    expect(seen).not.toContain('forged')

    // Graylisted: what the forger sends next is not even looked at; the honest peer still gets through.
    await forger.services.pubsub.publish(TOPIC, new TextEncoder().encode('valid from the forger'))
    await honest.services.pubsub.publish(TOPIC, new TextEncoder().encode('valid 2'))
    await waitFor(() => seen.includes('valid 2'), 'the second honest message delivered')
    expect(seen).not.toContain('valid from the forger')
  })

  it('does not hold a shared address against many honest peers', async () => {
    // gossipsub's default would start punishing past 10 peers from one IP.
    const receiver = await node()
    scoreGroupTopic(receiver.services.pubsub, TOPIC)
    receiver.services.pubsub.subscribe(TOPIC)
    const peers = await Promise.all(Array.from({ length: 12 }, async () => node()))
    for (const p of peers) {
      p.services.pubsub.subscribe(TOPIC)
      await p.dial(receiver.getMultiaddrs()[0]!)
    }
    await waitFor(() => receiver.services.pubsub.getSubscribers(TOPIC).length === 12, 'twelve peers subscribed')
    const score = (n: Node): number => (receiver.services.pubsub as any).score.score(n.peerId.toString())
    expect(peers.map(score).every((s) => s >= 0)).toBe(true)
  })
})
