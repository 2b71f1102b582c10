import { describe, expect, it } from 'vitest'
import { createPushPoker, POKE_WINDOW_MS } from '../../../src/app/push/push-poker.ts'
import type { StoredContact } from '../../../src/core/ports/index.ts'
import { PushGatewayError } from '../../../src/app/push/push-client.ts'

const contact = (userId: string, push?: StoredContact['push']): StoredContact =>
  ({ userId, publicKey: new Uint8Array(32), name: userId, relays: [], addedAt: 0, push })
const bob = contact('bob', { gateway: 'https://relay-b.example', token: 'bobToken', sentAt: 1 })
const carol = contact('carol', { gateway: 'https://relay-c.example', token: 'carolToken', sentAt: 1 })

function recorder (answer: () => Promise<'sent' | 'recently-sent'> = async () => 'sent') {
  const calls: string[] = []
  let time = 1_000_000
  const poker = createPushPoker({
    now: () => time,
    poke: async (gateway, token) => { calls.push(`${gateway} ${token}`); return answer() }
  })
  return { poker, calls, advance: (ms: number) => { time += ms } }
}

describe('push poker', () => {
  it('pokes a contact\'s own gateway with their token', async () => {
    const { poker, calls } = recorder()
    expect(await poker.poke(bob)).toBe('sent')
    expect(calls).toEqual(['https://relay-b.example bobToken'])
  })

  it('pokes each contact at most once per window, and again after it', async () => {
    const { poker, calls, advance } = recorder()
    expect(await poker.poke(bob)).toBe('sent')
    advance(POKE_WINDOW_MS - 1)
    expect(await poker.poke(bob)).toBe('throttled')
    // Another contact has a window of their own.
    expect(await poker.poke(carol)).toBe('sent')
    advance(1)
    expect(await poker.poke(bob)).toBe('sent')
    expect(calls).toEqual(['https://relay-b.example bobToken', 'https://relay-c.example carolToken', 'https://relay-b.example bobToken'])
  })

  it('does not poke a contact without a token, or one who withdrew it', async () => {
    const { poker, calls } = recorder()
    expect(await poker.poke(contact('dan'))).toBe('no-token')
    expect(await poker.poke(contact('eve', { gateway: '', token: '', sentAt: 2 }))).toBe('no-token')
    expect(calls).toEqual([])
  })

  it('never throws: a refused or unreachable gateway is reported as failed, and the window still holds', async () => {
    const failures: string[] = []
    let time = 0
    const poker = createPushPoker({
      now: () => time,
      poke: async () => { throw new PushGatewayError(404, 'The relay\'s push gateway refused: No push subscription has this token.') },
      onFailure: (id, err) => { failures.push(`${id}: ${(err as Error).name}`) }
    })
    expect(await poker.poke(bob)).toBe('failed')
    expect(failures).toEqual(['bob: PushGatewayError'])
    // A failing gateway is not hammered once per message either.
    expect(await poker.poke(bob)).toBe('throttled')
    time += POKE_WINDOW_MS
    expect(await poker.poke(bob)).toBe('failed')
  })

  it('passes on the gateway\'s "recently sent" (429)', async () => {
    const { poker } = recorder(async () => 'recently-sent')
    expect(await poker.poke(bob)).toBe('recently-sent')
  })
})
