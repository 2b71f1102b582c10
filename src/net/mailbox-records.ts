import { propertyOf } from '../diagnostics/index.ts'
import type { PeerId } from '@libp2p/interface'
import { putToPeer } from './direct-put.ts'
import type { MurmurNode } from './node.ts'

// Mailbox records on the DHT. Unlike presence, where the best record is all a reader needs,
// a mailbox reader wants every holder's version (src/core/mailbox/drain.ts merges them) and
// a writer wants to know how many holders took its record. kad-dht's own get and put
// report both as query events; these read them.

/**
 * PUTs a record to the slot key's closest DHT nodes (and this node's own store) and returns
 * how many remote nodes answered with the record stored. 0 means nobody holds it but us.
 * `onHeld` hears the count as each holder is confirmed: kad-dht's PUT ends only when every
 * closest node answered or timed out, and one that vanished takes seconds to.
 */
export async function putMailboxRecord (
  node: Pick<MurmurNode, 'services' | 'dialProtocol'>, key: Uint8Array, record: Uint8Array,
  options: { signal?: AbortSignal, onHeld?: (holders: number) => void, direct?: readonly PeerId[] } = {}
): Promise<number> {
  const holders = new Set<string>()
  const refused = new Set<string>()
  const heldBy = (from: string): void => {
    if (refused.has(from) || holders.has(from)) return
    holders.add(from)
    options.onHeld?.(holders.size)
  }
  // The connected relays get it at once, beside kad-dht's walk (src/net/direct-put.ts).
  const direct = Promise.all((options.direct ?? []).map(async (peer) => {
    if (await putToPeer(node, peer, key, record, options.signal)) heldBy(peer.toString())
  }))
  // kad-dht follows a PEER_RESPONSE with a QUERY_ERROR from the same peer, in the same batch,
  // when the record it echoed is not the one sent (it kept a newer one, or none). A batch is
  // yielded within one task, so a holder counts once a task has passed without that refusal,
  // not when the next event comes (which a vanished node can hold back for seconds).
  const answered = new Set<string>()
  const confirm = (from: string): void => {
    if (answered.delete(from)) heldBy(from)
  }
  for await (const event of node.services.dht.put(key, record, { signal: options.signal })) {
    const from = 'from' in event ? event.from.toString() : undefined
    if (from == null) continue
    if (event.name === 'QUERY_ERROR') {
      refused.add(from)
      holders.delete(from)
    }
    if (event.name === 'PEER_RESPONSE' && event.messageName === 'PUT_VALUE') {
      answered.add(from)
      setTimeout(() => { confirm(from) }, 0)
    }
  }
  for (const from of [...answered]) confirm(from)
  await direct
  return holders.size
}

/**
 * kad-dht 16 holds every query until the node's first self-query has finished (its
 * QueryManager.run), "so we have some peers". For a tab that has just opened, the
 * self-query means WebRTC dials, through the relay, to the tabs nearest its own id: a
 * returning person's mailbox read waited 1-3 s for it (docs/BENCHMARKS.md) though the relay
 * it is connected to holds the records. kad-dht skips that wait for its own self-query by
 * an option of the query manager that `get` passes through, `isSelfQuery`; a mailbox read
 * sets it too. It still waits for a first peer in the routing table, and still walks to
 * the closest holders from there. The option is not in kad-dht's public types:
 * test/relay/mailbox-read-self-query.test.ts fails if it stops having this effect.
 */
export const WITHOUT_WAITING_FOR_SELF_QUERY = { isSelfQuery: true } as const

/**
 * Every version of a slot's record that the DHT returns, ours included; empty when no node
 * has one. Values are unchecked here: the reader validates each one. `onValue` hears each
 * version as it arrives, long before the query has asked every holder.
 */
export async function getMailboxRecords (node: MurmurNode, key: Uint8Array, options: { signal?: AbortSignal, onValue?: (value: Uint8Array) => void } = {}): Promise<Uint8Array[]> {
  const values: Uint8Array[] = []
  const heard = (value: Uint8Array): void => {
    values.push(value)
    options.onValue?.(value)
  }
  try {
    for await (const event of node.services.dht.get(key, { signal: options.signal, ...WITHOUT_WAITING_FOR_SELF_QUERY })) {
      if (event.name === 'PEER_RESPONSE' && event.record != null) heard(event.record.value)
      else if (event.name === 'VALUE') heard(event.value)
    }
  } catch (err) {
    // kad-dht throws NotFoundError when no node has the key: an empty slot.
    if (propertyOf(err, 'name') !== 'NotFoundError') throw err
  }
  return values
}
