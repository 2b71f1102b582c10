import type { Page } from 'playwright-core'
import { MESSAGE_BYTES } from './measure-send.ts'

/** Label of the bench's own data channel, so traces can leave it out. */
export const RAW_LABEL = 'bench-raw'

/** In A: an offer with every candidate in it (no trickle). */
async function makeOffer (label: string): Promise<string> {
  const pc = new RTCPeerConnection({ iceServers: [] })
  const channel = pc.createDataChannel(label)
  ;(window as any).__benchRaw = { pc, channel }
  await pc.setLocalDescription(await pc.createOffer())
  // Non-trickle: wait until every candidate is in the description (bounded).
  for (let i = 0; pc.iceGatheringState !== 'complete'; i++) {
    if (i > 1000) throw new Error('ICE gathering did not complete in 10 s')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return pc.localDescription!.sdp
}

/** In B: the answer; B echoes every message straight back and notes when it arrived. */
async function makeAnswer (offer: string): Promise<string> {
  const pc = new RTCPeerConnection({ iceServers: [] })
  const arrivals = new Map<string, number>()
  ;(window as any).__benchRaw = { pc, arrivals }
  pc.addEventListener('datachannel', ({ channel }) => {
    channel.addEventListener('message', (event) => {
      const at = performance.timeOrigin + performance.now()
      arrivals.set(/^#r\d+#/.exec(String(event.data))?.[0] ?? '', at)
      channel.send(event.data)
    })
  })
  await pc.setRemoteDescription({ type: 'offer', sdp: offer })
  await pc.setLocalDescription(await pc.createAnswer())
  for (let i = 0; pc.iceGatheringState !== 'complete'; i++) {
    if (i > 1000) throw new Error('ICE gathering did not complete in 10 s')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return pc.localDescription!.sdp
}

/** In A: the answer in, then wait for the channel to open (bounded). */
async function finish (answer: string): Promise<void> {
  const { pc, channel } = (window as any).__benchRaw as { pc: RTCPeerConnection, channel: RTCDataChannel }
  await pc.setRemoteDescription({ type: 'answer', sdp: answer })
  if (channel.readyState === 'open') return
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('raw data channel did not open in 20 s')), 20_000)
    channel.addEventListener('open', () => { clearTimeout(timer); resolve() }, { once: true })
  })
}

/** In A: one message out, wait for its echo; the round trip is timed in A alone. */
async function pingOnce ({ index, bytes }: { index: number, bytes: number }): Promise<{ tag: string, sentAt: number, rtt: number }> {
  const { channel } = (window as any).__benchRaw as { channel: RTCDataChannel }
  const tag = `#r${String(index).padStart(4, '0')}#`
  const text = tag + 'x'.repeat(bytes - tag.length)
  const reply = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no echo for ${tag} in 10 s`)), 10_000)
    channel.addEventListener('message', function onMessage (event) {
      if (!String(event.data).startsWith(tag)) return
      clearTimeout(timer)
      channel.removeEventListener('message', onMessage)
      resolve()
    })
  })
  const start = performance.now()
  channel.send(text)
  await reply
  return { tag, sentAt: performance.timeOrigin + start, rtt: performance.now() - start }
}

/**
 * A bare RTCPeerConnection between the same two pages, outside libp2p and the app: offer
 * and answer carried by the bench once ICE gathering completed, one ordered data channel.
 */
export async function openRawChannel (ann: Page, bob: Page): Promise<void> {
  const offer = await ann.evaluate(makeOffer, RAW_LABEL)
  const answer = await bob.evaluate(makeAnswer, offer)
  await ann.evaluate(finish, answer)
}

export interface RawSample {
  /** Round trip of a 100-byte message, timed in A (ms). */
  rtt: number
  /** A's send to B's onmessage, same machine clock (ms); NaN if B did not note it. */
  oneWay: number
}

export async function rawRoundTrip (ann: Page, bob: Page, index: number): Promise<RawSample> {
  const r = await ann.evaluate(pingOnce, { index, bytes: MESSAGE_BYTES })
  const arrived = await bob.evaluate((tag) => ((window as any).__benchRaw.arrivals as Map<string, number>).get(tag), r.tag)
  return { rtt: r.rtt, oneWay: (arrived ?? NaN) - r.sentAt }
}
