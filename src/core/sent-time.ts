// When a message says it was sent. The claim is the sender's clock, written by whoever
// holds the session: honest clocks drift, hostile ones say anything (a time past 8.64e15 ms
// has no JavaScript date at all). It is checked where a message arrives, once, so every
// stored record holds a time the views can show and the store can order by.

/** Murmur did not exist before 2020: an earlier claim is a wrong clock or a lie. */
export const EARLIEST_SENT_AT = Date.UTC(2020, 0, 1)

/**
 * The send time to store for a message that claims `claimed` and arrived at `receivedAt`:
 * the claim when it lies between 2020 and the arrival (a message from a mailbox arrives
 * late and keeps its place among the messages written since), else the arrival. A claim
 * later than the arrival is a clock running ahead (or a message trying to stay at the
 * bottom of the conversation, below everything written after it): it gets the arrival
 * time, so no claim can place a message after messages that arrive later.
 */
export function sentAtOnArrival (claimed: number, receivedAt: number): number {
  if (!Number.isSafeInteger(receivedAt)) throw new TypeError('receivedAt must be a safe integer')
  if (!Number.isSafeInteger(claimed) || claimed < EARLIEST_SENT_AT || claimed > receivedAt) return receivedAt
  return claimed
}
