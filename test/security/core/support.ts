import { ChangeBus } from '../../../src/app/change-bus.ts'
import { Connectivity } from '../../../src/app/connectivity.ts'
import { Inbox } from '../../../src/app/inbox.ts'
import { Outbox } from '../../../src/app/mailbox/outbox.ts'
import { PushSharing } from '../../../src/app/push/push-sharing.ts'
import { SessionCrypto } from '../../../src/app/session-crypto.ts'
import { Requests } from '../../../src/app/requests.ts'
import { createProfile } from '../../../src/app/profile.ts'
import type { MessengerStore, StoredMessage, StoredProfile } from '../../../src/core/ports/index.ts'
import { encodeUserId } from '../../../src/core/user-id.ts'
import { Diagnostics } from '../../../src/diagnostics/index.ts'
import { createMemoryMessengerStore } from '../../../src/store/memory-messenger-store.ts'
import { localeContext } from '../../../src/ui/context.ts'
import { createTranslator } from '../../../src/ui/i18n/catalogue.ts'
import { en } from '../../../src/ui/i18n/en.ts'

/** One profile in memory with the receive pipeline of the app, and no network. */
export interface Person {
  store: MessengerStore
  profile: StoredProfile
  userId: string
  crypto: SessionCrypto
  outbox: Outbox
  inbox: Inbox
  requests: Requests
  bus: ChangeBus
  changed: StoredMessage[]
  close: () => void
}

export async function person (name: string, now: () => number = Date.now): Promise<Person> {
  const store = createMemoryMessengerStore()
  const profile = await createProfile(store, name, now())
  const userId = encodeUserId(profile.publicKey)
  const diagnostics = new Diagnostics()
  const crypto = new SessionCrypto(store, profile, { now })
  const bus = new ChangeBus({ profileId: `${userId}-${Math.random()}`, logger: diagnostics })
  const changed: StoredMessage[] = []
  const outbox = new Outbox({
    store, crypto, profile, network: () => undefined,
    host: { changed: (m) => { changed.push(m) }, notice: () => {} }, events: diagnostics, logger: diagnostics
  }, { now })
  const pushSharing = new PushSharing(store, async () => false, now)
  const connectivity = new Connectivity(bus)
  const requests = new Requests({ store, bus, connectivity, accepted: () => {}, logger: diagnostics })
  const inbox = new Inbox({
    store, crypto, outbox, pushSharing, requests, connectivity, bus, events: diagnostics, logger: diagnostics,
    groupControl: async () => {}
  })
  return { store, profile, userId, crypto, outbox, inbox, requests, bus, changed, close: () => { bus.close(); store.close() } }
}

/** `to` as a contact of someone who has its invite (its prekey record). */
export async function contactOf (to: Person): Promise<{ userId: string, publicKey: Uint8Array, name: string, relays: string[], addedAt: number, prekeyRecord: Uint8Array }> {
  return { userId: to.userId, publicKey: to.profile.publicKey, name: to.profile.name, relays: [], addedAt: 1, prekeyRecord: await to.crypto.currentPrekeyRecord() }
}

/**
 * What a view needs to render outside the app: the English catalogue's translator. (The
 * app's LocaleState also keeps the choice and tells the document and the service worker,
 * which a server render has neither of.)
 */
export function englishContext (): Map<symbol, unknown> {
  return localeContext(createTranslator('en', en))
}
