import { describe, expect, it } from 'vitest'
import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Connection } from '@libp2p/interface'
import { sourceOfAddr, sourceOfPeer } from '../../../src/net/put-source.ts'

const PEER = peerIdFromString('12D3KooWGC6TvWhfapngX6wvJHMYvKpDMXPb3ZnCZ6dMoaMtimQ5')
const conn = (addr: string): Connection => ({ remoteAddr: multiaddr(addr) }) as unknown as Connection

describe('the source a PUT is charged to', () => {
  it('is the /24 or /56 a websocket connection comes from', () => {
    expect(sourceOfAddr(multiaddr('/ip4/198.51.100.77/tcp/4001/ws'))).toBe('198.51.100.0/24')
    expect(sourceOfAddr(multiaddr('/ip6/2001:db8:aa:bbcc::5/tcp/4001/ws'))).toBe('2001:db8:aa:bb00:0:0:0:0/56')
  })

  it('is the peer itself where the connection shows no address of the peer (a circuit, WebRTC)', () => {
    expect(sourceOfAddr(multiaddr('/ip4/192.0.2.1/tcp/4001/ws/p2p/12D3KooWRBy97UB99e3J6hiPesre1MZeuNQvfan4gBziswrRJsNK/p2p-circuit/webrtc'))).toBeUndefined()
    expect(sourceOfPeer([conn(`/webrtc/p2p/${PEER.toString()}`)], PEER)).toBe(`peer:${PEER.toString()}`)
    expect(sourceOfPeer([], PEER)).toBe(`peer:${PEER.toString()}`)
    expect(sourceOfPeer([conn(`/webrtc/p2p/${PEER.toString()}`), conn('/ip4/198.51.100.7/tcp/1/ws')], PEER)).toBe('198.51.100.0/24')
  })
})
