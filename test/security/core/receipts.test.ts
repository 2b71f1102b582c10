// Issue 15, item 9: a receipt moves a message on only when it is a message we sent to the
// contact whose session carried the receipt. Before the fix, Outbox.receiptsArrived moved
// any message named by id (the contact check guarded only the UI event), so contact B could
// mark our messages to C delivered or read, and C's messages to us read.
import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { Outbox } from '../../../src/app/mailbox/outbox.ts'
import { createProfile } from '../../../src/app/profile.ts'
import { SessionCrypto } from '../../../src/app/session-crypto.ts'
import { messageIdFromString, messageIdToString, newMessageId } from '../../../src/core/message-id.ts'
import type { MessengerStore, StoredMessage } from '../../../src/core/ports/index.ts'
import { Diagnostics } from '../../../src/diagnostics/index.ts'
import { createMemoryMessengerStore } from '../../../src/store/memory-messenger-store.ts'
import { ProfileVault } from '../../../src/store/vault.ts'

let dbs = 0
const adapters: Array<[string, () => Promise<MessengerStore>]> = [
  ['in memory', async () => createMemoryMessengerStore()],
  ['on IndexedDB, sealed', async () => (await ProfileVault.open(`receipts-${dbs++}`)).create()]
]

const contact = (userId: string) => ({ userId, publicKey: new Uint8Array(32), name: userId, relays: [], addedAt: 1 })
const message = (contactId: string, direction: 'in' | 'out', state: StoredMessage['state']): StoredMessage =>
  ({ id: messageIdToString(newMessageId()), contactId, direction, text: `${direction} ${contactId}`, sentAt: 1, state })

describe.each(adapters)('receipts, %s', (_name, open) => {
  it('a contact\'s receipts for messages that are not ours to them change nothing', async () => {
    const store = await open()
    const profile = await createProfile(store, 'Ann')
    await store.putContact(contact('mmbob'))
    await store.putContact(contact('mmcat'))
    const toCat = message('mmcat', 'out', 'stored')
    const fromCat = message('mmcat', 'in', 'delivered')
    const toBob = message('mmbob', 'out', 'sent')
    const fromBob = message('mmbob', 'in', 'delivered')
    for (const m of [toCat, fromCat, toBob, fromBob]) await store.addMessage(m)
    const changed: StoredMessage[] = []
    const diagnostics = new Diagnostics()
    const outbox = new Outbox({
      store, crypto: new SessionCrypto(store, profile), profile, network: () => undefined,
      host: { changed: (m) => { changed.push(m) }, notice: () => {} }, events: diagnostics, logger: diagnostics
    })

    // Bob names Ann's message to Cat, Cat's message to Ann, and Bob's own message to Ann.
    const hostile = [toCat, fromCat, fromBob].map((m) => messageIdFromString(m.id))
    await outbox.receiptsArrived('mmbob', hostile, hostile)

    const state = async (m: StoredMessage): Promise<string | undefined> =>
      (await store.listMessages(m.contactId)).find((x) => x.id === m.id)?.state
    expect(await state(toCat)).toBe('stored')
    expect(await state(fromCat)).toBe('delivered')
    expect(await state(fromBob)).toBe('delivered')
    expect(changed).toEqual([])

    // Bob's receipt for Ann's message to Bob still counts.
    await outbox.receiptsArrived('mmbob', [messageIdFromString(toBob.id)], [])
    expect(await state(toBob)).toBe('delivered')
    expect(changed.map((m) => m.id)).toEqual([toBob.id])
    store.close()
  })
})
