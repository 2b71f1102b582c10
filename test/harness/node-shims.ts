// The relay's own process gets these from relay/preload.mjs. Anything else that runs a
// libp2p node in Node 20 (a test peer in vitest, a benchmark under tsx) needs the same two
// gaps filled, the same way, before libp2p runs: import this first. Node 22 has both.
import WebSocket from 'ws'

if (typeof (Promise as any).withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T> (this: PromiseConstructor) {
      let resolve!: (value: T | PromiseLike<T>) => void
      let reject!: (reason?: unknown) => void
      const promise = new this<T>((res, rej) => { resolve = res; reject = rej })
      return { promise, resolve, reject }
    }
  })
}

if (typeof globalThis.WebSocket !== 'function') {
  // As relay/preload.mjs: a reset on an open socket must not throw from ws's EventEmitter.
  (globalThis as any).WebSocket = class extends WebSocket {
    constructor (...args: ConstructorParameters<typeof WebSocket>) {
      super(...args)
      this.on('error', () => {})
    }
  }
}
