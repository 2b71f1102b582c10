import { describe, expect, it } from 'vitest'
import { multiaddr } from '@multiformats/multiaddr'
import type { Connection } from '@libp2p/interface'
import { encodePutValue, recordOfMessage, relayPeers } from '../../../src/net/direct-put.ts'

describe('a direct PUT', () => {
  it('reads back the record field of the message it writes, and nothing from bytes that are not one', () => {
    const key = new Uint8Array([1, 2, 3])
    const record = new Uint8Array(300).fill(7)
    const message = encodePutValue(key, record)
    expect(recordOfMessage(message)).toEqual(record)
    expect(recordOfMessage(new Uint8Array([0x08, 0x00]))).toBeUndefined() // type only
    expect(recordOfMessage(message.subarray(0, message.length - 1))).toBeUndefined() // cut short
    expect(recordOfMessage(new Uint8Array([0x1a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))).toBeUndefined() // varint too long
    expect(recordOfMessage(new Uint8Array([0x0b]))).toBeUndefined() // a wire type protobuf no longer has
  })

  it('goes to the relays: WebSocket connections, not WebRTC links or circuits', () => {
    const conn = (addr: string, peer: string, limits?: object): Connection =>
      ({ remoteAddr: multiaddr(addr), remotePeer: { toString: () => peer }, limits } as unknown as Connection)
    const peers = relayPeers([
      conn('/ip4/127.0.0.1/tcp/9090/ws/p2p/relayA', 'relayA'),
      conn('/dns4/relay.example/tcp/443/tls/ws/p2p/relayB', 'relayB'),
      conn('/ip4/127.0.0.1/tcp/9090/ws/p2p/relayA', 'relayA'),
      conn('/ip4/127.0.0.1/tcp/9090/ws/p2p/relayA/p2p-circuit/webrtc/p2p/tab', 'tab'),
      conn('/ip4/127.0.0.1/tcp/9090/ws/p2p/relayA/p2p-circuit/p2p/tab2', 'tab2', { bytes: 1n })
    ])
    expect(peers.map(String)).toEqual(['relayA', 'relayB'])
  })
})
