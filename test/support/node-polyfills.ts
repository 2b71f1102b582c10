// libp2p 3 uses Promise.withResolvers and, to dial over websockets, a global WebSocket:
// Node 22 has both, Node 20 neither. Test peers written in Node load this first.
import { WebSocket } from 'ws'

if (typeof (Promise as any).withResolvers !== 'function') {
  (Promise as any).withResolvers = function withResolvers<T> () {
    let resolve!: (value: T) => void
    let reject!: (reason?: unknown) => void
    const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej })
    return { promise, resolve, reject }
  }
}
if (typeof (globalThis as any).WebSocket !== 'function') {
  (globalThis as any).WebSocket = WebSocket
}
