import type { Browser, Page } from 'playwright-core'
import { openPersonInBrowser } from '../test/harness/browser.ts'
import { traceWebRtc, type TraceEvent } from './trace.ts'

// tsx compiles with esbuild's keepNames, which wraps inner functions in `__name(fn, "fn")`.
// Functions handed to page.evaluate run in the page, where `__name` does not exist: give
// every bench page a no-op one before any of them runs.
const NAME_SHIM = 'globalThis.__name = globalThis.__name ?? ((fn) => fn)'

/** A person in their own context of the shared browser, with the WebRTC trace installed before the app starts. */
export async function openBenchPage (browser: Browser, url: string): Promise<Page> {
  return openPersonInBrowser(browser, url, { initScripts: [NAME_SHIM, traceWebRtc] })
}

export async function webRtcTrace (page: Page): Promise<TraceEvent[]> {
  return page.evaluate(() => (window as any).__benchTrace ?? [])
}

/** Rejects with `message` when `work` is not done within `ms`, so no sample hangs the run. */
export async function within<T> (ms: number, message: string, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  work.catch(() => {}) // after a timeout nobody awaits it any more
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms)
  })
  try {
    return await Promise.race([work, timeout])
  } finally {
    clearTimeout(timer)
  }
}
