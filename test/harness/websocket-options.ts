import './node-shims.ts'
import WebSocket from 'ws'

/**
 * Runs `dial` with every WebSocket it opens made with `options`: a source address
 * (`localAddress: '127.0.0.2'`, any of 127.0.0.0/8 on loopback) or request headers (an
 * X-Forwarded-For a proxy would add). @libp2p/websockets opens `new WebSocket(url)` with no
 * options, so the global is swapped for the dial and put back after: dial one node at a time.
 */
export async function withWebSocketOptions<T> (options: WebSocket.ClientOptions, dial: () => Promise<T>): Promise<T> {
  const global = globalThis as { WebSocket: unknown }
  const previous = global.WebSocket
  global.WebSocket = class extends WebSocket {
    constructor (url: string | URL, protocols?: string | string[]) {
      super(url, protocols ?? [], options)
      // As relay/preload.mjs: a reset on an open socket must not throw from ws's EventEmitter.
      this.on('error', () => {})
    }
  }
  try {
    return await dial()
  } finally {
    global.WebSocket = previous
  }
}
