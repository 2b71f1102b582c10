// Node has no IndexedDB: fake-indexeddb stands in here so the adapter runs the shared
// suite in the unit run. The real browser IndexedDB is exercised by the e2e tests
// (test/e2e/reload.test.ts reloads real Chromium profiles).
import 'fake-indexeddb/auto'
import { createIdbMessengerStore } from '../../../src/store/idb-messenger-store.ts'
import { openMurmurDatabase } from '../../../src/store/open.ts'
import { messengerStoreSuite } from './messenger-store-suite.ts'

let n = 0
messengerStoreSuite('IndexedDB', async () => createIdbMessengerStore(await openMurmurDatabase(`murmur-test-${n++}`)))
