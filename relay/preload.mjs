// Loaded with `node --import ./relay/preload.mjs` before the relay's TypeScript entry.
// 1. tsx compiles the relay's .ts files (and src/net, src/core, which it shares with the app),
//    then relay/patch-hooks.mjs patches node_modules the way Vite does for the tab bundle.
// 2. Node 20 lacks Promise.withResolvers, which libp2p 3 uses (it-queue crashes without it).
// 3. Node 20 has no global WebSocket, which @libp2p/websockets needs to dial (not to listen).
// Browsers and Node 22+ have both, so each shim only fills a gap.
// 4. ws's WebSocket is an EventEmitter: an 'error' with no .on('error') listener throws.
//    @libp2p/websockets listens for 'error' only while it waits for the socket to open.
//    Seen in bench:dht under load: an ECONNRESET on the upgrade request of a dial libp2p
//    had already given up on was emitted with no listener left, and ended the process. A
//    relay dials out too (its bootstrap relays). 'close' follows every error and libp2p
//    handles that; the no-op listener only stops the throw.
import { register } from 'node:module'
import { register as registerTsx } from 'tsx/esm/api'
import WebSocket from 'ws'

registerTsx()
register('./patch-hooks.mjs', import.meta.url)

if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers () {
    let resolve
    let reject
    const promise = new this((res, rej) => { resolve = res; reject = rej })
    return { promise, resolve, reject }
  }
}

if (typeof globalThis.WebSocket !== 'function') {
  globalThis.WebSocket = class extends WebSocket {
    constructor (...args) {
      super(...args)
      this.on('error', () => {})
    }
  }
}
