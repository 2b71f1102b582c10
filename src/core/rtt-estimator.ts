/**
 * How long to wait for a receipt on a direct link before the message is also written to the
 * mailbox: the retransmission timeout of RFC 6298, measured on our own receipts. A receipt
 * answers a message after the receiver has decrypted and stored it, so the round trip it
 * measures is the link's plus that work; the estimate follows whatever it really is.
 */

/** RFC 6298 section 2: the smoothed round trip and its variation, in milliseconds. */
export interface RttEstimate {
  readonly srtt: number
  readonly rttvar: number
}

/** Never sooner: the receiver batches receipts and commits to IndexedDB before it answers. */
export const RECEIPT_WAIT_MIN_MS = 1_000
/** Never later: a link that has carried nothing back for this long is not trusted. */
export const RECEIPT_WAIT_MAX_MS = 4_000
/** Before any sample (RFC 6298 section 2.1 starts at 1 s; ours is within the clamp anyway). */
export const RECEIPT_WAIT_INITIAL_MS = 1_000

// RFC 6298 section 2.3: alpha = 1/8, beta = 1/4, K = 4; G, the clock granularity, is 1 ms here.
const ALPHA = 1 / 8
const BETA = 1 / 4
const K = 4
const GRANULARITY_MS = 1

/**
 * Takes one round trip sample (RFC 6298 section 2.2 for the first, 2.3 after). Samples that
 * are not finite or negative (a clock step) leave the estimate as it was. Karn's rule (a
 * message sent twice gives no sample) is the caller's: it knows what it sent.
 */
export function observeRtt (estimate: RttEstimate | undefined, sampleMs: number): RttEstimate | undefined {
  if (!Number.isFinite(sampleMs) || sampleMs < 0) return estimate
  if (estimate == null) return { srtt: sampleMs, rttvar: sampleMs / 2 }
  const rttvar = (1 - BETA) * estimate.rttvar + BETA * Math.abs(estimate.srtt - sampleMs)
  const srtt = (1 - ALPHA) * estimate.srtt + ALPHA * sampleMs
  return { srtt, rttvar }
}

/** RTO = SRTT + max(G, K * RTTVAR) (RFC 6298 section 2.3), clamped to [1 s, 4 s]. */
export function receiptTimeout (estimate: RttEstimate | undefined): number {
  if (estimate == null) return RECEIPT_WAIT_INITIAL_MS
  const rto = estimate.srtt + Math.max(GRANULARITY_MS, K * estimate.rttvar)
  return Math.min(RECEIPT_WAIT_MAX_MS, Math.max(RECEIPT_WAIT_MIN_MS, Math.round(rto)))
}
