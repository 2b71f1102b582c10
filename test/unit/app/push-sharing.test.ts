import { describe, expect, it } from 'vitest'
import { PUSH_NOTE_TTL_MS, PUSH_SHARED_SETTING, PushSharing } from '../../../src/app/push/push-sharing.ts'
import { PUSH_REGISTRATION_SETTING, type StoredPushRegistration } from '../../../src/app/push/push-client.ts'
import type { StoredContact } from '../../../src/core/ports/index.ts'
import { createMemoryMessengerStore } from '../../../src/store/memory-messenger-store.ts'

const KEY = new Uint8Array(32).fill(7)
const OTHER_KEY = new Uint8Array(32).fill(8)
const contact = (userId: string, extra: Partial<StoredContact> = {}): StoredContact =>
  ({ userId, publicKey: new Uint8Array(32), name: userId, relays: [], addedAt: 0, dhIdentityKey: KEY, knowsUs: true, ...extra })
const registration = (token: string): StoredPushRegistration =>
  ({ gatewayOrigin: 'https://relay.example', token, revokeSecret: 'secret', endpoint: 'https://push.example/x', createdAt: 0 })

async function setup (accepts = async (_c: StoredContact) => true) {
  const store = createMemoryMessengerStore()
  const sent: Array<{ to: string, gateway: string, token: string, ttlMs: number }> = []
  const sharing = new PushSharing(store, async (to, payload, ttlMs) => {
    if (payload.kind !== 'push') throw new Error('only push notes are shared')
    if (!await accepts(to)) return false
    sent.push({ to: to.userId, gateway: payload.gateway, token: payload.token, ttlMs })
    return true
  })
  return { store, sent, sharing }
}

describe('push token sharing', () => {
  it('hands the current token to every contact once, the new one when it changes, and a withdrawal when it is turned off', async () => {
    const { store, sent, sharing } = await setup()
    await store.putContact(contact('ann'))
    await store.putContact(contact('bob'))
    // No token yet: nothing to say.
    await sharing.shareWithAll()
    expect(sent).toEqual([])

    await store.saveSetting(PUSH_REGISTRATION_SETTING, registration('first'))
    await sharing.shareWithAll()
    await sharing.shareWithAll()
    expect(sent).toEqual([
      { to: 'ann', gateway: 'https://relay.example', token: 'first', ttlMs: PUSH_NOTE_TTL_MS },
      { to: 'bob', gateway: 'https://relay.example', token: 'first', ttlMs: PUSH_NOTE_TTL_MS }
    ])
    expect(await store.loadSetting(PUSH_SHARED_SETTING)).toEqual({ ann: 'first', bob: 'first' })

    sent.length = 0
    await store.saveSetting(PUSH_REGISTRATION_SETTING, registration('second'))
    await sharing.shareWith('bob')
    expect(sent.map((s) => `${s.to} ${s.token}`)).toEqual(['bob second'])

    sent.length = 0
    await store.saveSetting(PUSH_REGISTRATION_SETTING, null)
    await sharing.shareWithAll()
    expect(sent).toEqual([
      { to: 'ann', gateway: '', token: '', ttlMs: PUSH_NOTE_TTL_MS },
      { to: 'bob', gateway: '', token: '', ttlMs: PUSH_NOTE_TTL_MS }
    ])
  })

  it('waits for a contact who has not written to us, or whose new key is not accepted, and retries one it could not reach', async () => {
    let reachable = false
    const { store, sent, sharing } = await setup(async () => reachable)
    await store.saveSetting(PUSH_REGISTRATION_SETTING, registration('tok'))
    await store.putContact(contact('new', { knowsUs: undefined, dhIdentityKey: undefined }))
    await store.putContact(contact('changed', { changedDhIdentityKey: OTHER_KEY }))
    await store.putContact(contact('away'))
    await sharing.shareWithAll()
    expect(sent).toEqual([])
    expect(await store.loadSetting(PUSH_SHARED_SETTING)).toBeUndefined()

    reachable = true
    await sharing.shareWithAll()
    expect(sent.map((s) => s.to)).toEqual(['away'])
  })
})
