import { describe, expect, it } from 'vitest'
import { reachableOnlyThrough } from '../../relay/dht-routing.ts'

/**
 * The relay's half of the kad-dht routing-table workaround (relay/dht-routing.ts): a tab
 * that the relay reaches only through its own circuit leaves the routing table when it
 * disconnects. The half tabs share is tested in test/unit/net/dht-routing.test.ts.
 */
describe('dropping DHT peers that went away', () => {
  const relay = '12D3KooWLHHhESTgKuxdWJdooXH8uCP9xq75hasbuiNMjz1TjEU3'
  const other = '12D3KooWFDJTHxks5wMZzjYuvQQZ7oUqCxKf4Snag1RxmQ1CPWNB'
  const tab = '12D3KooWPSLvdBpAMTpUMEy3rHWY31gkXhN3cwpeDF8S5uVjFHzA'
  const through = (r: string): string => `/ip4/127.0.0.1/tcp/4001/ws/p2p/${r}/p2p-circuit/webrtc/p2p/${tab}`

  it('a tab reached only through this relay is gone for it once it disconnects', () => {
    expect(reachableOnlyThrough([through(relay)], relay)).toBe(true)
  })

  it('a tab reserved on another relay too, or with an address of its own, stays', () => {
    expect(reachableOnlyThrough([through(relay), through(other)], relay)).toBe(false)
    expect(reachableOnlyThrough([through(other)], relay)).toBe(false)
    expect(reachableOnlyThrough(['/ip4/127.0.0.1/tcp/4002/ws'], relay)).toBe(false)
    // Nothing known: nothing to judge by, so it is left to kad-dht.
    expect(reachableOnlyThrough([], relay)).toBe(false)
  })
})
