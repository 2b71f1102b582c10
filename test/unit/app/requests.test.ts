import { describe, expect, it } from 'vitest'
import { ChangeBus } from '../../../src/app/change-bus.ts'
import { Connectivity } from '../../../src/app/connectivity.ts'
import { Requests } from '../../../src/app/requests.ts'
import { REQUEST_MESSAGES_MAX, REQUESTS_MAX } from '../../../src/core/requests.ts'
import type { Network, StoredContact } from '../../../src/core/ports/index.ts'
import { Diagnostics } from '../../../src/diagnostics/index.ts'
import { createMemoryMessengerStore } from '../../../src/store/memory-messenger-store.ts'

function setup () {
  const store = createMemoryMessengerStore()
  const logger = new Diagnostics()
  const bus = new ChangeBus({ profileId: `requests-${Math.random()}`, logger })
  const accepted: string[] = []
  const connectivity = new Connectivity(bus)
  // Only the lookups are watched here: the rest of the network half is never called.
  const watching = new Set<string>()
  connectivity.attach({ watch: (c: StoredContact) => { watching.add(c.userId) }, unwatch: (id: string) => { watching.delete(id) } } as unknown as Network)
  const requests = new Requests({ store, bus, connectivity, accepted: (id) => { accepted.push(id) }, logger })
  return { store, requests, accepted, watching, close: () => { bus.close(); store.close() } }
}

const request = (userId: string, addedAt: number): StoredContact =>
  ({ userId, publicKey: new Uint8Array(32), name: userId, relays: [], addedAt, request: true })

describe('Requests', () => {
  it(`a new request past ${REQUESTS_MAX} drops the oldest request and its messages; contacts stay`, async () => {
    const { store, requests, close } = setup()
    await store.putContact({ ...request('friend', 0), request: undefined })
    for (let i = 0; i < REQUESTS_MAX; i++) await store.putContact(request(`r${String(i).padStart(2, '0')}`, 10 + i))
    await store.addMessage({ id: 'old', contactId: 'r00', direction: 'in', text: 'hi', sentAt: 1, state: 'delivered' })
    await store.putContact(request('newest', 1000))
    await requests.bound('newest', true)
    const left = await requests.list()
    expect(left).toHaveLength(REQUESTS_MAX)
    expect(left.map((c) => c.userId)).not.toContain('r00')
    expect(left[0]!.userId).toBe('newest')
    expect(await store.listMessages('r00')).toEqual([])
    expect(await store.getContact('friend')).toBeDefined()
    close()
  })

  it(`keeps ${REQUEST_MESSAGES_MAX} messages of a request, the oldest dropped`, async () => {
    const { store, requests, close } = setup()
    await store.putContact(request('cai', 1))
    for (let i = 0; i < REQUEST_MESSAGES_MAX + 5; i++) {
      await store.addMessage({ id: `m${String(i).padStart(2, '0')}`, contactId: 'cai', direction: 'in', text: `${i}`, sentAt: 100 + i, state: 'delivered' })
    }
    await requests.bound('cai', false)
    const kept = await store.listMessages('cai')
    expect(kept).toHaveLength(REQUEST_MESSAGES_MAX)
    expect(kept[0]!.id).toBe('m05')
    close()
  })

  it('accept makes a contact and keeps the history; delete and block forget them; block persists until unblocked', async () => {
    const { store, requests, accepted, watching, close } = setup()
    await store.putContact(request('cai', 1))
    await store.addMessage({ id: 'a', contactId: 'cai', direction: 'in', text: 'hi', sentAt: 1, state: 'delivered' })
    await requests.accept('cai')
    expect(watching).toEqual(new Set(['cai']))
    expect((await store.getContact('cai'))?.request).toBeUndefined()
    expect(await store.listMessages('cai')).toHaveLength(1)
    expect(accepted).toEqual(['cai'])

    await store.putContact(request('dan', 2))
    await requests.remove('dan')
    expect(await store.getContact('dan')).toBeUndefined()
    expect(await requests.isBlocked('dan')).toBe(false)

    await requests.block('cai')
    // Nobody looks for a contact who is gone.
    expect(watching).toEqual(new Set())
    expect(await store.getContact('cai')).toBeUndefined()
    expect(await store.listMessages('cai')).toEqual([])
    expect(await requests.blocked()).toEqual(['cai'])
    await requests.unblock('cai')
    expect(await requests.isBlocked('cai')).toBe(false)
    close()
  })
})
