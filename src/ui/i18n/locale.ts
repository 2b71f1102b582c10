import type { Locale } from './catalogue.ts'

export const LOCALES: readonly Locale[] = ['en', 'zh-CN']

/** Each language named in itself, so a person finds theirs whatever language the page is in. */
export const LOCALE_NAMES: Readonly<Record<Locale, string>> = {
  en: 'English',
  'zh-CN': '简体中文'
}

/** Where the person's own choice (Settings → Language) is kept in this browser. */
export const LOCALE_STORAGE_KEY = 'murmur:language'

export function isLocale (value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value)
}

/**
 * Whether a BCP 47 tag names Chinese written in simplified characters: zh-Hans-*, zh-CN,
 * zh-SG, plain zh, and any other zh whose likely script is Hans (zh-MY). zh-TW, zh-HK and
 * zh-Hant are traditional: this catalogue does not fit them.
 */
function isSimplifiedChinese (tag: string): boolean {
  let locale: Intl.Locale
  try {
    locale = new Intl.Locale(tag)
  } catch {
    return false
  }
  if (locale.language !== 'zh') return false
  if (locale.script != null) return locale.script === 'Hans'
  if (locale.region == null || locale.region === 'CN' || locale.region === 'SG') return true
  return locale.maximize().script === 'Hans'
}

/**
 * The language to show, from the browser's preferred languages (navigator.languages, most
 * preferred first): the first one Murmur has, English or simplified Chinese; English when
 * none is. So ['zh-CN', 'en'] is Chinese, ['en-GB', 'zh-CN'] English, ['zh-TW'] English.
 */
export function chooseLocale (languages: readonly string[]): Locale {
  for (const tag of languages) {
    if (/^en(-|$)/i.test(tag)) return 'en'
    if (isSimplifiedChinese(tag)) return 'zh-CN'
  }
  return 'en'
}
