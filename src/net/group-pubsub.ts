import { gossipsub, StrictNoSign, type GossipSub, type GossipSubComponents } from '@libp2p/gossipsub'
import { createTopicScoreParams, type PeerScoreParams } from '@libp2p/gossipsub/score'

// Group gossip (docs/ARCHITECTURE.md, Groups). Messages are content-addressed group messages whose
// authors sign them with their sender keys, so gossipsub's own PeerId signatures would add
// only a link from each message to a device: StrictNoSign, and the message id is the
// SHA-256 of the data (gossipsub's default under StrictNoSign), so a copy is a duplicate.

/** Score parameters for every group topic: an invalid message costs its sender dearly. */
export const GROUP_TOPIC_SCORE = createTopicScoreParams({
  topicWeight: 1,
  // One invalid message puts a peer at -100: below the graylist threshold (-80), so
  // everything else it sends is ignored until the penalty decays. Counters decay once a
  // second: 0.999 halves it in about 11 minutes (squared in the score: back above the
  // graylist after about 2 minutes for one message, far longer for several).
  invalidMessageDeliveriesWeight: -100,
  invalidMessageDeliveriesDecay: 0.999,
  // Members are few and quiet for hours: no penalty for sending little.
  meshMessageDeliveriesWeight: 0,
  meshFailurePenaltyWeight: 0,
  timeInMeshWeight: 0.01,
  firstMessageDeliveriesWeight: 1,
  firstMessageDeliveriesDecay: 0.99,
  firstMessageDeliveriesCap: 10
})

export function groupPubsub (): (components: GossipSubComponents) => GossipSub {
  return gossipsub({
    globalSignaturePolicy: StrictNoSign,
    // A person may write while no other member is online: the message waits in our history
    // and reaches the others by sync.
    allowPublishToZeroTopicPeers: true,
    emitSelf: false,
    scoreParams: {
      // Every tab behind one carrier NAT, and every tab on a loopback test, shares an IP;
      // the colocation penalty would punish many honest tabs for it. Invalid messages are
      // punished per peer instead (GROUP_TOPIC_SCORE).
      IPColocationFactorWeight: 0
    }
  })
}

/**
 * Group topics are named by secrets, so they cannot be listed when the node starts; their
 * score parameters are added as groups are joined. gossipsub reads them from its score
 * parameters on every event (checked against 17.1), so a late entry takes effect at once.
 */
export function scoreGroupTopic (pubsub: GossipSub, topic: string): void {
  const params = (pubsub as unknown as { score?: { params?: PeerScoreParams } }).score?.params
  if (params == null) throw new Error('gossipsub no longer exposes its score parameters: see src/net/group-pubsub.ts')
  params.topics[topic] ??= GROUP_TOPIC_SCORE
}
