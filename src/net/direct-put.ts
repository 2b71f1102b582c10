import type { Connection, PeerId } from '@libp2p/interface'
import { Record as DhtRecord } from '@libp2p/kad-dht'
import { lpStream } from '@libp2p/utils'
import { equals } from 'uint8arrays'
import { DHT_PROTOCOL } from './dht-config.ts'
import type { MurmurNode } from './node.ts'

// One kad-dht PUT_VALUE sent straight to a peer we are connected to, beside kad-dht's own
// PUT. kad-dht sends its PUTs only once its walk to the key's closest nodes has ended, and a
// node on that walk that vanished holds it for kad-dht's minimum request timeout (5 s): a
// tab about to close would wait that long to learn its messages are held. The relays this
// tab is connected to are DHT servers that answer in milliseconds, so they get the record
// at once; the walk still brings it to the closest nodes.
//
// The message is kad-dht's own (its dht.proto), written here because kad-dht exports no
// per-peer PUT and no codec for it:
//   Message { MessageType type = 1 (PUT_VALUE = 0); bytes key = 2; bytes record = 3 }
// where `record` is a serialized libp2p Record. The peer answers with the message echoed,
// its record being the one it holds now; kad-dht checks the value, and so does this.

const MESSAGE_TYPE_FIELD = 1
const KEY_FIELD = 2
const RECORD_FIELD = 3
const PUT_VALUE = 0
/** A reply is an echo of what we sent: a mailbox record and its key, with room to spare. */
const MAX_REPLY_BYTES = 64 * 1024

function varint (n: number): number[] {
  const out: number[] = []
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80)
    n >>>= 7
  }
  out.push(n)
  return out
}

function bytesField (field: number, value: Uint8Array): number[] {
  return [...varint((field << 3) | 2), ...varint(value.length), ...value]
}

/** kad-dht's PUT_VALUE message for `key` and a serialized record. */
export function encodePutValue (key: Uint8Array, record: Uint8Array): Uint8Array {
  return Uint8Array.from([...varint(MESSAGE_TYPE_FIELD << 3), ...varint(PUT_VALUE), ...bytesField(KEY_FIELD, key), ...bytesField(RECORD_FIELD, record)])
}

/** The serialized record in a kad-dht message, or undefined when it has none or is not protobuf we read. */
export function recordOfMessage (bytes: Uint8Array): Uint8Array | undefined {
  let at = 0
  const readVarint = (): number => {
    let value = 0
    for (let shift = 0; shift < 35; shift += 7) {
      if (at >= bytes.length) throw new RangeError('truncated varint')
      const b = bytes[at++]!
      value += (b & 0x7f) * 2 ** shift
      if ((b & 0x80) === 0) return value
    }
    throw new RangeError('varint too long')
  }
  let record: Uint8Array | undefined
  try {
    while (at < bytes.length) {
      const tag = readVarint()
      const wire = tag & 7
      if (wire === 0) readVarint()
      else if (wire === 2) {
        const length = readVarint()
        if (at + length > bytes.length) return undefined
        if (tag >>> 3 === RECORD_FIELD) record = bytes.subarray(at, at + length)
        at += length
      } else if (wire === 5) at += 4
      else if (wire === 1) at += 8
      else return undefined
    }
  } catch {
    return undefined
  }
  return record
}

/** PUTs the record to one connected peer over the DHT protocol; whether it now holds this value. Never throws. */
export async function putToPeer (node: Pick<MurmurNode, 'dialProtocol'>, peer: PeerId, key: Uint8Array, value: Uint8Array, signal?: AbortSignal): Promise<boolean> {
  try {
    const stream = await node.dialProtocol(peer, DHT_PROTOCOL, { signal })
    try {
      const lp = lpStream(stream, { maxDataLength: MAX_REPLY_BYTES })
      await lp.write(encodePutValue(key, new DhtRecord(key, value, new Date()).serialize()), { signal })
      const reply = recordOfMessage((await lp.read({ signal })).subarray())
      await stream.close({ signal }).catch(() => { stream.abort(new Error('closing a direct PUT failed')) })
      return reply != null && equals(DhtRecord.deserialize(reply).value, value)
    } catch (err) {
      stream.abort(err instanceof Error ? err : new Error(String(err)))
      return false
    }
  } catch {
    return false
  }
}

/** The relays this tab holds a connection to: its only connections that are WebSockets, not WebRTC or a circuit. */
export function relayPeers (connections: readonly Connection[]): PeerId[] {
  const peers = new Map<string, PeerId>()
  for (const c of connections) {
    const addr = c.remoteAddr.toString()
    if (c.limits == null && !addr.includes('/p2p-circuit') && !addr.includes('/webrtc') && /\/wss?(\/|$)|\/tls\/ws/.test(addr)) peers.set(c.remotePeer.toString(), c.remotePeer)
  }
  return [...peers.values()]
}
