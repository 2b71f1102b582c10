// Bundled for Chromium by bench/crypto/run.ts: the crypto figures, plus encrypt + persist
// through the app's own SessionCrypto on the real, sealed IndexedDB store.
import { measureCrypto } from './measure.ts'
import { summarize } from '../stats.ts'
import { Messenger } from '../../src/app/messenger.ts'
import { SessionCrypto } from '../../src/app/session-crypto.ts'
import { ProfileVault } from '../../src/store/vault.ts'
import { createMemoryMessengerStore } from '../../src/store/memory-messenger-store.ts'
import { encodeChatPayload } from '../../src/core/chat-payload.ts'
import { newMessageId } from '../../src/core/message-id.ts'

async function encryptAndPersist (n: number) {
  // Bob lives in memory and only hands out his invite; Ann is the measured side, on IndexedDB.
  const bob = await Messenger.create(createMemoryMessengerStore(), 'Bob')
  const vault = await ProfileVault.open(`murmur-bench-${Date.now()}`)
  const store = await vault.create()
  const ann = await Messenger.create(store, 'Ann')
  const contact = await ann.contacts.add(await bob.profile.inviteLink(location.origin, []))
  const profile = (await store.loadProfile())!
  const crypto = new SessionCrypto(store, profile)
  const text = 'x'.repeat(1024)
  const samples: number[] = []
  for (let i = 0; i < n + 20; i++) {
    const payload = encodeChatPayload({ kind: 'message', id: newMessageId(), sentAt: Date.now(), name: 'Ann', text })
    const t0 = performance.now()
    await crypto.seal(contact, payload, async () => undefined)
    if (i >= 20) samples.push(performance.now() - t0)
  }
  store.close()
  return summarize(samples)
}

;(globalThis as any).murmurCryptoBench = async (n: number) => ({
  ...(await measureCrypto(n)),
  encryptAndPersist: await encryptAndPersist(Math.min(n, 200))
})
