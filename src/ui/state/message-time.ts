/** A message's time as the views show it: the `datetime` attribute and the label. */
export interface ShownTime {
  /** ISO 8601, or undefined when the stored value is no date. */
  datetime: string | undefined
  label: string
}

const NONE: ShownTime = { datetime: undefined, label: '' }
const CLOCK = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })

/**
 * Formats a stored send time; never throws. New records hold checked times
 * (src/core/sent-time.ts), but a view must survive any record already stored: a number
 * outside JavaScript's dates makes toISOString and Intl throw, which would take down the
 * whole conversation, so such a value shows no time at all.
 */
export function formatMessageTime (sentAt: unknown, format: (date: Date) => string = (d) => CLOCK.format(d)): ShownTime {
  if (typeof sentAt !== 'number') return NONE
  const date = new Date(sentAt)
  if (Number.isNaN(date.getTime())) return NONE
  try {
    return { datetime: date.toISOString(), label: format(date) }
  } catch {
    return NONE
  }
}
