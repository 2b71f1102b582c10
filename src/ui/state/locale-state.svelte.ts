import type { KeyValueStorage } from '../../app/relay-list.ts'
import { saveWorkerLanguage } from '../../app/pwa/worker-language.ts'
import type { Logger } from '../../diagnostics/index.ts'
import { createTranslator, type Catalogue, type Locale, type Translate, type Translator } from '../i18n/catalogue.ts'
import { en } from '../i18n/en.ts'
import { zhCN } from '../i18n/zh-CN.ts'
import { chooseLocale, isLocale, LOCALE_STORAGE_KEY } from '../i18n/locale.ts'

const CATALOGUES: Readonly<Record<Locale, Catalogue>> = { en, 'zh-CN': zhCN }

export interface LocaleInit {
  /** Where the person's choice is kept (localStorage). */
  storage: KeyValueStorage
  /** The browser's preferred languages (navigator.languages), used until the person chooses. */
  languages: readonly string[]
  log: Logger
}

/**
 * The language the UI speaks: the person's choice in Settings when they made one, else the
 * best match in the browser's languages. Components read `t`, `time` and `number`; a change
 * re-renders every text at once, sets `<html lang>` and tells the service worker.
 */
export class LocaleState {
  locale = $state<Locale>('en')
  private readonly translator: Translator = $derived(createTranslator(this.locale, CATALOGUES[this.locale]))

  readonly t: Translate = (key, ...args) => this.translator.t(key, ...args)
  readonly time = (at: number): string => this.translator.time(at)
  readonly timeWithSeconds = (at: number): string => this.translator.timeWithSeconds(at)
  readonly day = (at: number): string => this.translator.day(at)
  readonly number = (n: number): string => this.translator.number(n)

  constructor (private readonly init: LocaleInit) {
    const stored = readStored(init.storage)
    this.apply(stored ?? chooseLocale(init.languages))
  }

  /** Settings → Language: shown at once, kept in this browser. */
  choose (locale: Locale): void {
    try {
      this.init.storage.setItem(LOCALE_STORAGE_KEY, locale)
    } catch (err) {
      // Storage full or refused: the language still changes for this visit.
      this.init.log('the language choice could not be kept', err)
    }
    this.apply(locale)
  }

  private apply (locale: Locale): void {
    this.locale = locale
    document.documentElement.lang = locale
    saveWorkerLanguage(locale).catch((err: unknown) => { this.init.log('the service worker was not told the language', err) })
  }
}

function readStored (storage: KeyValueStorage): Locale | undefined {
  try {
    const value = storage.getItem(LOCALE_STORAGE_KEY)
    return isLocale(value) ? value : undefined
  } catch {
    // Storage refused (some privacy settings): the browser's languages decide.
    return undefined
  }
}
