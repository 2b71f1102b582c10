import { createMemoryMessengerStore } from '../../../src/store/memory-messenger-store.ts'
import { messengerStoreSuite } from './messenger-store-suite.ts'

messengerStoreSuite('memory', async () => createMemoryMessengerStore())
