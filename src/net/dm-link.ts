import { propertyOf } from '../diagnostics/index.ts'
import { lpStream } from '@libp2p/utils'
import type { Connection, Stream } from '@libp2p/interface'
import { MAX_FRAME_BYTES } from '../core/frame.ts'

/** The direct-message protocol: length-prefixed, size-capped frames both ways. */
export const DM_PROTOCOL = '/murmur/dm/1.0.0'

export interface DmLink {
  readonly connection: Connection
  /** Writes one frame; frames from concurrent callers never interleave. */
  send: (frame: Uint8Array) => Promise<void>
  close: () => void
  /** When the far end last proved alive (a frame, a ping echo): Date.now() milliseconds. */
  readonly lastHeard: number
  /** The far end proved alive just now. */
  heard: () => void
  /** Checks now that the far end is alive (a ping); the link closes if not. Set by the keepalive. */
  check?: (withinMs?: number) => void
  /** Settles when the stream ends, for any reason. */
  readonly closed: Promise<void>
}

export interface DmLinkEvents {
  onFrame: (link: DmLink, frame: Uint8Array) => void
  /** A frame over the cap: the stream is reset before its body is read. */
  onRefused?: (link: DmLink, reason: string) => void
}

/**
 * Wraps one `/murmur/dm/1.0.0` stream. The read loop checks each frame's announced length
 * against MAX_FRAME_BYTES before reading the body, so an oversized frame costs the sender a
 * reset and us nothing.
 */
export function openDmLink (stream: Stream, connection: Connection, events: DmLinkEvents): DmLink {
  const lp = lpStream(stream, { maxDataLength: MAX_FRAME_BYTES })
  let writing = Promise.resolve()
  let resolveClosed!: () => void
  const closed = new Promise<void>((resolve) => { resolveClosed = resolve })

  const link: DmLink = {
    connection,
    closed,
    lastHeard: Date.now(),
    heard: () => { (link as { lastHeard: number }).lastHeard = Date.now() },
    send: async (frame) => {
      const write = writing.then(async () => lp.write(frame))
      // The next frame waits for this one to be written or to fail; the caller hears how it went.
      writing = write.then(() => undefined, () => undefined)
      return write
    },
    close: () => { stream.close().catch(() => stream.abort(new Error('close failed'))) }
  }

  void (async () => {
    try {
      while (true) {
        const frame = await lp.read()
        link.heard()
        events.onFrame(link, frame.subarray())
      }
    } catch (err) {
      const name = propertyOf(err, 'name')
      if (name === 'InvalidDataLengthError' || name === 'InvalidDataLengthLengthError') {
        events.onRefused?.(link, 'frame too large')
        stream.abort(new Error('frame too large'))
      }
      // Anything else is the stream ending: a close, a reset, a dropped connection.
    } finally {
      resolveClosed()
    }
  })()

  return link
}
