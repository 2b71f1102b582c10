import type { Browser } from 'playwright-core'
import { createProfile } from '../test/harness/person.ts'
import { closePersonInBrowser } from '../test/harness/browser.ts'
import { openBenchPage, within } from './pages.ts'
import { waitForEvent } from '../test/harness/events.ts'

export interface ReloadSamples {
  /** The relay:reserved event, ms since navigation start. */
  reserved: number[]
  /** DOMContentLoaded end, ms since navigation start: the part before the app runs. */
  domContentLoaded: number[]
  /** First WebSocket opened (libp2p dialling the relay), ms since navigation start. */
  relayDial: number[]
}

/**
 * Page load to relay reservation. One profile, made once; then each sample is a reload of
 * that page (assets come from the HTTP cache: they are served immutable) and the time at
 * which the app marked its first relay reservation of that page load. Samples go into
 * `samples` as they come, so a failure keeps those already taken.
 */
export async function measureReloads (browser: Browser, url: string, count: number, sampleTimeout: number, samples: ReloadSamples): Promise<void> {
  const page = await openBenchPage(browser, url)
  try {
    await createProfile(page, 'Reloader')
    await waitForEvent(page, 'relay:reserved', sampleTimeout)
    for (let i = 0; i < count; i++) {
      await within(sampleTimeout, `reload ${i + 1}: no relay reservation within ${sampleTimeout / 1000} s`, (async () => {
        await page.reload()
        samples.reserved.push(await waitForEvent(page, 'relay:reserved', sampleTimeout))
        const timings = await page.evaluate(() => ({
          domContentLoaded: (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).domContentLoadedEventEnd,
          relayDial: ((window as any).__benchTrace ?? []).find((e: { what: string }) => e.what === 'ws')?.at - performance.timeOrigin
        }))
        samples.domContentLoaded.push(timings.domContentLoaded)
        samples.relayDial.push(timings.relayDial)
      })())
    }
  } finally {
    await closePersonInBrowser(page)
  }
}
