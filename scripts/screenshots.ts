// Pictures of every main screen, desktop and phone, English and Chinese, into screenshots/
// (not committed). Run it with `npm run screenshots`, which builds the app and starts this
// inside a network namespace that holds only loopback, as `npm test` does.
import '../test/harness/node-shims.ts'
import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { startRelay } from '../test/harness/relay.ts'
import { launchSharedBrowser } from '../test/harness/browser.ts'
import { walkScreens, type ScreenName } from '../test/harness/screens.ts'

const OUT = resolve(process.env.MURMUR_SCREENSHOTS ?? 'screenshots')
const ORDER: readonly ScreenName[] = ['onboarding', 'main', 'add-contact', 'conversation', 'contact-details', 'new-group', 'group', 'list', 'settings', 'locked']
const NAMES = { en: { me: 'Ann', peer: 'Bob' }, 'zh-CN': { me: '小安', peer: '小博' } } as const

await mkdir(OUT, { recursive: true })
const relay = await startRelay()
const browser = await launchSharedBrowser()
let failed = false
try {
  for (const locale of ['en', 'zh-CN'] as const) {
    for (const device of ['desktop', 'phone'] as const) {
      try {
        await walkScreens(browser, relay.url, { device, locale, lock: true, names: NAMES[locale] }, async (screen, page) => {
          // The caret and the "sending" states settle before the picture.
          await page.evaluate(async () => { await new Promise((resolve) => setTimeout(resolve, 300)) })
          const file = join(OUT, `${locale}-${device}-${String(ORDER.indexOf(screen) + 1).padStart(2, '0')}-${screen}.png`)
          await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' })
          console.log(`screenshots: ${file}`)
        })
      } catch (err) {
        failed = true
        console.error(`screenshots: ${locale} ${device} stopped:`, err)
      }
    }
  }
} finally {
  await browser.close()
  await relay.stop()
}
process.exit(failed ? 1 : 0)
