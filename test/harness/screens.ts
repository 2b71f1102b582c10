import type { Browser, BrowserContextOptions, Page } from 'playwright-core'
import { en } from '../../src/ui/i18n/en.ts'
import { zhCN } from '../../src/ui/i18n/zh-CN.ts'
import { closePersonInBrowser, openPersonInBrowser } from './browser.ts'
import { acceptRequest, createProfile, inviteLink, openConversation, sendMessage } from './person.ts'

/**
 * A walk through every main screen of Murmur, as one person on one device, with a second
 * person (desktop, English) to talk to. At each screen it hands the page to `visit`: the
 * accessibility test runs axe there, the screenshot script takes a picture. Controls are
 * found by role and the catalogue's name in the person's language.
 */

export type ScreenName =
  | 'onboarding' | 'main' | 'add-contact' | 'conversation' | 'contact-details'
  | 'new-group' | 'group' | 'list' | 'settings' | 'locked'

export const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 } }
export const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }

export interface WalkOptions {
  device: 'desktop' | 'phone'
  /** The browser's language: the app picks zh-CN from it. */
  locale?: 'en' | 'zh-CN'
  /** Also set a passphrase and visit the lock screen (it seals and reloads the profile). */
  lock?: boolean
  /** The names the two people show. */
  names?: { me: string, peer: string }
}

type Key = keyof typeof en
const text = (locale: WalkOptions['locale']) => (key: Key): string => {
  const entry = (locale === 'zh-CN' ? zhCN : en)[key]
  if (typeof entry !== 'string') throw new Error(`${key} is a plural message`)
  return entry
}

export async function walkScreens (browser: Browser, url: string, options: WalkOptions, visit: (screen: ScreenName, page: Page) => Promise<void>): Promise<void> {
  const t = text(options.locale)
  const names = options.names ?? { me: 'Ann', peer: 'Bob' }
  const phone = options.device === 'phone'
  const page = await openPersonInBrowser(browser, url, {
    context: { ...(phone ? PHONE : DESKTOP), locale: options.locale ?? 'en' }
  })
  const peer = await openPersonInBrowser(browser, url, { context: { ...DESKTOP, locale: 'en' } })
  const button = (name: string): ReturnType<Page['getByRole']> => page.getByRole('button', { name, exact: true })
  const log = page.getByRole('log', { name: t('messages.label') })
  try {
    await page.getByRole('textbox', { name: t('onboarding.displayName') }).waitFor()
    await visit('onboarding', page)
    await page.getByRole('textbox', { name: t('onboarding.displayName') }).fill(names.me)
    await button(t('onboarding.create')).click()
    await page.getByRole('navigation', { name: t('contacts.label') }).waitFor()
    await visit('main', page)

    await createProfile(peer, names.peer)
    const link = await inviteLink(peer)
    if (phone) {
      await button(t('layout.addPanel')).click()
      await visit('add-contact', page)
    }
    await page.getByRole('textbox', { name: t('addContact.input') }).fill(link)
    await button(t('addContact.submit')).click()
    const words = WORDS[locale(options)]
    await say(page, t, log, words.ask)
    // The peer did not add me: my first message is a message request there; it accepts.
    await acceptRequest(peer, names.me)
    await openConversation(peer, names.me)
    await sendMessage(peer, words.answer)
    await log.getByRole('listitem').filter({ hasText: words.answer }).waitFor({ timeout: 30_000 })
    await visit('conversation', page)
    await button(t('conversation.details')).click()
    await visit('contact-details', page)

    if (phone) await page.getByRole('button', { name: t('conversation.back') }).click()
    await button(t('newGroup.open')).click()
    await page.getByRole('textbox', { name: t('newGroup.name') }).fill(words.group)
    await button(t('memberPicker.add')).click()
    await page.getByRole('list', { name: t('memberPicker.list') }).getByRole('button').first().click()
    await visit('new-group', page)
    await button(t('newGroup.create')).click()
    // The group's own view, not the conversation still showing while the group is made.
    await page.getByRole('heading', { name: words.group, exact: true }).waitFor()
    await say(page, t, log, words.groupMessage)
    await visit('group', page)

    if (phone) {
      await page.getByRole('button', { name: t('conversation.back') }).click()
      await page.getByRole('navigation', { name: t('groups.label') }).waitFor()
      await visit('list', page)
    }
    await button(t('settings.title')).click()
    await page.getByRole('region', { name: t('settings.title'), exact: true }).waitFor()
    await visit('settings', page)

    if (options.lock === true) {
      if (!await page.getByRole('region', { name: t('settings.title'), exact: true }).isVisible()) await button(t('settings.title')).click()
      await page.getByLabel(t('settings.newPassphrase')).fill('correct horse battery')
      await page.getByLabel(t('settings.confirmPassphrase')).fill('correct horse battery')
      await button(t('settings.setPassphrase')).click()
      await page.getByRole('heading', { name: t('locked.title') }).waitFor({ timeout: 60_000 })
      await visit('locked', page)
    }
  } finally {
    await closePersonInBrowser(peer)
    await closePersonInBrowser(page)
  }
}

/** What the two people say, in the person's language (the screenshots show it). */
const WORDS = {
  en: { ask: 'Hi! Dinner tonight?', answer: 'Yes, seven at the usual place.', group: 'Weekend hike', groupMessage: 'Saturday, 8 am at the trailhead?' },
  'zh-CN': { ask: '你好！今晚一起吃饭吗？', answer: '好的，七点老地方见。', group: '周末登山', groupMessage: '周六早上八点在山脚集合？' }
} as const

const locale = (options: WalkOptions): 'en' | 'zh-CN' => options.locale ?? 'en'

async function say (page: Page, t: (key: Key) => string, log: ReturnType<Page['getByRole']>, message: string): Promise<void> {
  await page.getByRole('textbox', { name: t('composer.message'), exact: true }).fill(message)
  await page.getByRole('button', { name: t('composer.send'), exact: true }).click()
  await log.getByRole('listitem').filter({ hasText: message }).waitFor({ timeout: 30_000 })
}
