/**
 * Runs in bench pages before the app: timestamps (performance.timeOrigin + performance.now())
 * of what the app's network does, without touching the app: WebSockets opened (the relay
 * dial), peer connections created and connected, and data-channel sends and receives with
 * their sizes. The bench uses them
 * to split a figure into parts (in the app, on the wire, in the other app). Bounded.
 */
export function traceWebRtc (): void {
  const events: TraceEvent[] = []
  ;(window as any).__benchTrace = events
  const now = (): number => performance.timeOrigin + performance.now()
  const push = (e: TraceEvent): void => { if (events.length < 20_000) events.push(e) }
  const sizeOf = (data: any): number => typeof data === 'string' ? data.length : data?.byteLength ?? data?.size ?? 0

  const hooked = new WeakSet<RTCDataChannel>()
  const hook = (channel: RTCDataChannel): void => {
    if (hooked.has(channel)) return
    hooked.add(channel)
    channel.addEventListener('message', (event) => { push({ at: now(), what: 'message', bytes: sizeOf(event.data), label: channel.label }) })
  }
  const send = RTCDataChannel.prototype.send
  RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: any) {
    push({ at: now(), what: 'send', bytes: sizeOf(data), label: this.label })
    return send.call(this, data)
  }

  const NativeWebSocket = window.WebSocket
  window.WebSocket = class extends NativeWebSocket {
    constructor (url: string | URL, protocols?: string | string[]) {
      push({ at: now(), what: 'ws' })
      super(url, protocols)
    }
  }

  const Native = window.RTCPeerConnection
  window.RTCPeerConnection = class extends Native {
    constructor (config?: RTCConfiguration) {
      super(config)
      push({ at: now(), what: 'pc' })
      this.addEventListener('connectionstatechange', () => {
        if (this.connectionState === 'connected') push({ at: now(), what: 'connected' })
      })
      this.addEventListener('datachannel', (event) => { hook(event.channel) })
    }

    override createDataChannel (label: string, init?: RTCDataChannelInit): RTCDataChannel {
      const channel = super.createDataChannel(label, init)
      hook(channel)
      return channel
    }
  } as typeof RTCPeerConnection
}

export interface TraceEvent {
  at: number
  what: 'ws' | 'pc' | 'connected' | 'send' | 'message'
  bytes?: number
  /** The data channel's label, for sends and messages. */
  label?: string
}

/** The first event of that kind at or after `from` (and at least `minBytes` long). */
export function firstAfter (events: readonly TraceEvent[], what: TraceEvent['what'], from: number, minBytes = 0): TraceEvent | undefined {
  return events.find((e) => e.what === what && e.at >= from && (e.bytes ?? 0) >= minBytes)
}
