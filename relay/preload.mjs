// Loaded with `node --import ./relay/preload.mjs` before the relay's TypeScript entry.
// 1. tsx compiles the relay's .ts files (and src/net, src/core, which it shares with the app).
// 2. Node 20 lacks Promise.withResolvers, which libp2p 3 uses (it-queue crashes without it).
// 3. Node 20 has no global WebSocket, which @libp2p/websockets needs to dial (not to listen).
// Browsers and Node 22+ have both, so each shim only fills a gap.
import { register } from 'tsx/esm/api'
import WebSocket from 'ws'

register()

if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers () {
    let resolve
    let reject
    const promise = new this((res, rej) => { resolve = res; reject = rej })
    return { promise, resolve, reject }
  }
}

if (typeof globalThis.WebSocket !== 'function') {
  globalThis.WebSocket = WebSocket
}
