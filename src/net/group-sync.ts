import { lpStream } from '@libp2p/utils'
import type { Connection, Stream } from '@libp2p/interface'
import { MAX_ENCODED_GROUP_MESSAGE_BYTES, MAX_SYNC_MESSAGES } from '../core/group/index.ts'

/**
 * Group catch-up between two members on a direct connection: one request frame (our heads,
 * src/core/group/sync.ts), then the answer as one frame per group message and an empty
 * frame to end it. Every frame is size-capped before it is read.
 */
export const SYNC_PROTOCOL = '/murmur/sync/1.0.0'
const REQUEST_MAX_BYTES = 4 * 1024

/** Asks the member behind `connection`; resolves with the encoded messages they sent. */
export async function requestSync (connection: Connection, request: Uint8Array, signal: AbortSignal): Promise<Uint8Array[]> {
  const stream = await connection.newStream(SYNC_PROTOCOL, { signal })
  const lp = lpStream(stream, { maxDataLength: MAX_ENCODED_GROUP_MESSAGE_BYTES })
  try {
    await lp.write(request, { signal })
    const out: Uint8Array[] = []
    while (out.length <= MAX_SYNC_MESSAGES) {
      const frame = (await lp.read({ signal })).subarray()
      if (frame.length === 0) break
      out.push(frame)
    }
    await closeQuietly(stream)
    return out
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)))
    throw err
  }
}

/** Serves one request: `answer` returns the messages to send, or nothing for a refusal. */
export async function serveSync (stream: Stream, answer: (request: Uint8Array) => Promise<Uint8Array[]>, signal: AbortSignal): Promise<void> {
  const lp = lpStream(stream, { maxDataLength: REQUEST_MAX_BYTES })
  try {
    const request = (await lp.read({ signal })).subarray()
    const messages = await answer(request)
    for (const m of messages.slice(0, MAX_SYNC_MESSAGES)) await lp.write(m, { signal })
    await lp.write(new Uint8Array(0), { signal })
    await closeQuietly(stream)
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)))
  }
}

/**
 * Everything was read or written: a close that fails (the other side reset first) changes
 * nothing for either of us, so it ends in an abort rather than an error.
 */
async function closeQuietly (stream: Stream): Promise<void> {
  await stream.close().catch((err: unknown) => { stream.abort(err instanceof Error ? err : new Error(String(err))) })
}
