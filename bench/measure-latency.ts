import type { Page } from 'playwright-core'
import { prepareConversation, sendOne, splitSends, type SendParts, type SendTimes } from './measure-send.ts'
import { openRawChannel, rawRoundTrip, RAW_LABEL } from './measure-raw-rtc.ts'

export interface LatencySamples {
  /** Send to render, one way (ms). */
  sendToRender: number[]
  sendParts: SendParts[]
  rawRtt: number[]
  rawOneWay: number[]
}

/**
 * Send to render and the raw data channel between the same two pages, in alternating
 * rounds (one message through the app, then one bare ping-pong), so that both see the
 * same moment of a shared, noisy machine and their ratio means something. The first
 * `warmup` rounds are not recorded. Samples go into `samples` as they come.
 */
export async function measureLatency (ann: Page, bob: Page, rounds: number, warmup: number, timeout: number, samples: LatencySamples): Promise<void> {
  await prepareConversation(ann, bob, timeout)
  await openRawChannel(ann, bob)
  const sends: SendTimes[] = []
  for (let i = 0; i < warmup + rounds; i++) {
    const send = await sendOne(ann, bob, i, timeout)
    const raw = await rawRoundTrip(ann, bob, i)
    if (i < warmup) continue
    sends.push(send)
    samples.sendToRender.push(send.seenAt - send.sentAt)
    samples.rawRtt.push(raw.rtt)
    samples.rawOneWay.push(raw.oneWay)
  }
  samples.sendParts = await splitSends(ann, bob, sends, RAW_LABEL)
}
