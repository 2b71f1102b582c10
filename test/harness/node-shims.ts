// The relay's own process gets these from relay/preload.mjs; a test that runs a libp2p
// node inside vitest on Node 20 needs the same two gaps filled, before libp2p runs.
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
