import { describe, expect, it } from 'vitest'
import { putMailboxRecord } from '../../../src/net/mailbox-records.ts'

// kad-dht's PUT as query events, the way content-fetching yields them: per closest node a
// PEER_RESPONSE to PUT_VALUE, followed in the same batch by a QUERY_ERROR from that node
// when it echoed another record. A fake node replays a script of them; `gate` holds the PUT
// open where a node that vanished would.
const peer = (id: string) => ({ toString: () => id })
const response = (id: string) => ({ name: 'PEER_RESPONSE', messageName: 'PUT_VALUE', from: peer(id) })
const refusal = (id: string) => ({ name: 'QUERY_ERROR', from: peer(id) })

function node (events: unknown[], gate?: Promise<void>) {
  return {
    services: {
      dht: {
        async * put () {
          for (const event of events) {
            if (event === 'gate') await gate
            else yield event
          }
        }
      }
    }
  } as unknown as Parameters<typeof putMailboxRecord>[0]
}

describe('putMailboxRecord', () => {
  it('counts the nodes that took the record, not those that echoed another', async () => {
    const script = [{ name: 'FINAL_PEER', peer: peer('a') }, response('a'), response('b'), refusal('b'), response('c')]
    const heard: number[] = []
    expect(await putMailboxRecord(node(script), new Uint8Array(1), new Uint8Array(1), { onHeld: (n) => heard.push(n) })).toBe(2)
    expect(heard).toEqual([1, 2])
  })

  it('says the first holder took it while a vanished node still holds the PUT open', async () => {
    let open!: () => void
    const gate = new Promise<void>((resolve) => { open = resolve })
    const heard: number[] = []
    const put = putMailboxRecord(node([response('relay'), 'gate', response('late')], gate), new Uint8Array(1), new Uint8Array(1), { onHeld: (n) => heard.push(n) })
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(heard).toEqual([1])
    open()
    expect(await put).toBe(2)
    expect(heard).toEqual([1, 2])
  })

  it('a refusal right after the response is no holder, even as the last event', async () => {
    const heard: number[] = []
    expect(await putMailboxRecord(node([response('a'), refusal('a')]), new Uint8Array(1), new Uint8Array(1), { onHeld: (n) => heard.push(n) })).toBe(0)
    expect(heard).toEqual([])
  })
})
