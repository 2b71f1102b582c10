import { addressGroup } from '../../src/core/ip-address.ts'

const HOUR_MS = 60 * 60 * 1000
/** Windows kept at most; past it, ended ones are dropped first. */
const MAX_TRACKED = 50_000

/**
 * Registrations per client address per hour (issue 15 item 7): registering costs the relay
 * a DNS lookup, a record on disk and a slot of --push-max-subscriptions, so one address
 * must not take them all. An address is an IPv4 address or an IPv6 /64, as for the relay's
 * other per-address limits. A fixed hourly window per address, in memory: a restart forgets.
 */
export function createRegistrationLimit (perHour: number, now: () => number = Date.now): (client: string) => number | undefined {
  const windows = new Map<string, { start: number, count: number }>()
  return (client) => {
    const at = now()
    const key = addressGroup(client, 32, 64) ?? client
    if (windows.size >= MAX_TRACKED) {
      for (const [k, w] of windows) if (at - w.start >= HOUR_MS) windows.delete(k)
      // Still full of live windows: the oldest goes (a Map iterates in insertion order).
      if (windows.size >= MAX_TRACKED) windows.delete(windows.keys().next().value!)
    }
    let window = windows.get(key)
    if (window == null || at - window.start >= HOUR_MS) {
      window = { start: at, count: 0 }
      windows.delete(key)
      windows.set(key, window)
    }
    if (window.count >= perHour) return Math.ceil((window.start + HOUR_MS - at) / 1000)
    window.count++
    return undefined
  }
}
