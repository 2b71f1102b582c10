import { afterAll, beforeAll, expect, it } from 'vitest'
import { startRelay, type RunningRelay } from '../harness/relay.ts'
import { openPersonBrowser } from '../harness/browser.ts'
import { waitUntil } from '../harness/person.ts'

let relay: RunningRelay

beforeAll(async () => { relay = await startRelay() })
afterAll(async () => { await relay?.stop() })

it('a browser whose language is zh-CN gets the app in Chinese; choosing English in Settings changes it at once and for good', async () => {
  const person = await openPersonBrowser(relay.url, undefined, { locale: 'zh-CN' })
  const page = person.page
  try {
    expect(await page.evaluate(() => navigator.languages)).toEqual(['zh-CN'])

    // Onboarding, by its Chinese names.
    await page.getByRole('textbox', { name: '显示名称' }).fill('小安')
    await page.getByRole('button', { name: '创建个人资料' }).click()
    await page.getByLabel('你的 ID').waitFor()
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN')

    // The main screen.
    await page.getByRole('textbox', { name: '联系人 ID 或邀请链接' }).waitFor()
    await page.getByRole('button', { name: '添加联系人' }).waitFor()
    await page.getByRole('button', { name: '新建群组' }).waitFor()
    await page.getByRole('navigation', { name: '联系人' }).getByText('还没有联系人。').waitFor()
    const relayStatus = page.getByRole('status', { name: '中继' })
    await waitUntil(async () => /中继/.test(await relayStatus.textContent() ?? ''), 'the relay status in Chinese')
    expect(await page.getByRole('button', { name: 'Add contact' }).count()).toBe(0)

    // Settings → 语言 → English: the same page, now in English, without a reload.
    await page.getByText('设置', { exact: true }).click()
    const language = page.getByRole('combobox', { name: '语言' })
    expect(await language.locator('option').allTextContents()).toEqual(['English', '简体中文'])
    await language.selectOption('en')
    await page.getByRole('button', { name: 'Add contact' }).waitFor({ timeout: 5_000 })
    await page.getByRole('combobox', { name: 'Language' }).waitFor()
    await page.getByLabel('Your ID').waitFor()
    expect(await page.getByRole('button', { name: '添加联系人' }).count()).toBe(0)
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en')

    // The choice is kept: after a reload the app stays English though the browser says zh-CN.
    await page.reload()
    await page.getByRole('button', { name: 'Add contact' }).waitFor({ timeout: 30_000 })
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en')
  } finally {
    await person.dispose()
  }
})
