import type { Page } from 'playwright-core'
import type { MurmurEventName, RecordedEvent } from '../../src/diagnostics/events.ts'

/**
 * The typed events a page's services emitted (src/diagnostics/events.ts), as the page's
 * diagnostics keep them: what tests and benchmarks time and count. `at` is the page's
 * `performance.now()` when it happened.
 */
export async function pageEvents<K extends MurmurEventName> (page: Page, name: K): Promise<Array<RecordedEvent<K>>> {
  return page.evaluate((n) => {
    const diagnostics = (globalThis as { murmurDiagnostics?: { events: (name: string) => unknown[] } }).murmurDiagnostics
    return diagnostics?.events(n) ?? []
  }, name) as Promise<Array<RecordedEvent<K>>>
}

/** `at` of the first event of that name (ms since navigation start), once there is one. */
export async function waitForEvent (page: Page, name: MurmurEventName, timeout: number): Promise<number> {
  const handle = await page.waitForFunction((n) => {
    const diagnostics = (globalThis as { murmurDiagnostics?: { events: (name: string) => Array<{ at: number }> } }).murmurDiagnostics
    return diagnostics?.events(n)[0]?.at
  }, name, { timeout, polling: 20 })
  return await handle.jsonValue() as number
}
