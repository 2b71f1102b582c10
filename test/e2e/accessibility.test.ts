import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import type { Browser, Page } from 'playwright-core'
import { startRelay, type RunningRelay } from '../harness/relay.ts'
import { launchSharedBrowser } from '../harness/browser.ts'
import { walkScreens, type ScreenName } from '../harness/screens.ts'

/**
 * axe-core over every main screen, on a desktop (1280x800) and a phone (390x844, touch), in
 * the light and the dark colour scheme: no serious or critical violation. And the keyboard:
 * focus starts in the one field of onboarding and of the lock screen, the first Tab reaches
 * the skip link, Escape closes the panel or view that is open.
 */

let relay: RunningRelay
let browser: Browser
let axeSource: string

beforeAll(async () => {
  relay = await startRelay()
  browser = await launchSharedBrowser()
  axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
})
afterAll(async () => {
  await browser?.close()
  await relay?.stop()
})

interface Found { id: string, impact: string, help: string, nodes: string[] }

/** axe's serious and critical violations on the page as it is now. */
async function audit (page: Page): Promise<Found[]> {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern; a script
  // tag would be refused by script-src and Trusted Types, as any injected script should be.
  if (!await page.evaluate(() => 'axe' in globalThis)) await page.evaluate(axeSource)
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: Array<{ id: string, impact: string | null, help: string, nodes: Array<{ target: unknown[], failureSummary?: string }> }> }> } }).axe
    const result = await axe.run(document, { resultTypes: ['violations'] })
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact ?? '', help: v.help, nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`) }))
  })
}

async function auditBothSchemes (screen: string, page: Page, found: Map<string, Found[]>): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme })
    // Let transitions and the scheme's colours settle before axe reads computed styles.
    await page.evaluate(async () => { await new Promise((resolve) => requestAnimationFrame(resolve)) })
    const violations = await audit(page)
    if (violations.length > 0) found.set(`${screen} (${colorScheme})`, violations)
  }
  await page.emulateMedia({ colorScheme: 'light' })
}

const focusedId = async (page: Page): Promise<string> => page.evaluate(() => document.activeElement?.id ?? '')

async function keyboardChecks (screen: ScreenName, page: Page): Promise<void> {
  switch (screen) {
    case 'onboarding':
      expect(await focusedId(page)).toBe('display-name')
      break
    case 'main':
      await page.evaluate(() => { (document.activeElement as HTMLElement | null)?.blur() })
      await page.keyboard.press('Tab')
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content')
      await page.evaluate(() => { (document.activeElement as HTMLElement | null)?.blur() })
      break
    case 'contact-details':
      await page.keyboard.press('Escape')
      await page.getByRole('region', { name: 'Contact details' }).waitFor({ state: 'detached' })
      await page.getByRole('button', { name: 'Contact details' }).click()
      break
    case 'settings':
      await page.keyboard.press('Escape')
      await page.getByRole('region', { name: 'Settings', exact: true }).waitFor({ state: 'detached' })
      expect(await focusedId(page)).toBe('open-settings')
      await page.getByRole('button', { name: 'Settings', exact: true }).click()
      break
    case 'locked':
      expect(await focusedId(page)).toBe('unlock-passphrase')
      break
    default:
  }
}

describe.each(['desktop', 'phone'] as const)('on a %s', (device) => {
  it('every main screen passes axe without a serious or critical violation, light and dark, and works from the keyboard', async () => {
    const found = new Map<string, Found[]>()
    const seen: ScreenName[] = []
    await walkScreens(browser, relay.url, { device, lock: true }, async (screen, page) => {
      seen.push(screen)
      await auditBothSchemes(screen, page, found)
      await keyboardChecks(screen, page)
    })
    expect(seen).toEqual(['onboarding', 'main', ...(device === 'phone' ? ['add-contact'] : []),
      'conversation', 'contact-details', 'new-group', 'group', ...(device === 'phone' ? ['list'] : []), 'settings', 'locked'])
    expect(Object.fromEntries(found)).toEqual({})
  }, 240_000)
})
