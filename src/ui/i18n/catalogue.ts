import type { en } from './en.ts'

/**
 * The typed message catalogue. English (en.ts) is the source: its keys are the keys, and the
 * `{name}` placeholders in its strings are the parameters a call must pass. Every other
 * language is a `Catalogue`: the same keys (a missing or extra one is a type error), a string
 * where English has a string, plural forms where English has plural forms.
 */

export type Locale = 'en' | 'zh-CN'

/** One text per CLDR plural category the language uses (Intl.PluralRules); `other` always. */
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { readonly other: string }

export type Entry = string | PluralForms

type English = typeof en
export type MessageKey = keyof English

export type Catalogue = { readonly [K in MessageKey]: English[K] extends string ? string : PluralForms }

/** The `{name}` placeholders of a template, as a union of names. */
type Placeholders<S> = S extends `${string}{${infer Name}}${infer Rest}` ? Name | Placeholders<Rest> : never

type FormsOf<E> = E extends string ? E : E[keyof E] & string
/** A plural message's `count` picks the form (and is a number); other values are text or numbers. */
type ParamsOf<E> = E extends string
  ? { [P in Placeholders<E>]: string | number }
  : { count: number } & { [P in Exclude<Placeholders<FormsOf<E>>, 'count'>]: string | number }

/** What a call passes after the key: nothing for a plain sentence, the values otherwise. */
export type ArgsOf<K extends MessageKey> = English[K] extends string
  ? [Placeholders<English[K]>] extends [never] ? [] : [params: ParamsOf<English[K]>]
  : [params: ParamsOf<English[K]>]

export type Translate = <K extends MessageKey>(key: K, ...args: ArgsOf<K>) => string

export interface Translator {
  readonly locale: Locale
  readonly t: Translate
  /** Hours and minutes, as a message's time. */
  readonly time: (at: number) => string
  /** Hours, minutes and seconds, as a log line's time. */
  readonly timeWithSeconds: (at: number) => string
  /** Month and day, as the conversation list's time of an older message. */
  readonly day: (at: number) => string
  readonly number: (n: number) => string
}

const PLACEHOLDER = /\{(\w+)\}/g

/** The names a template (or every form of a plural message) uses, sorted: the completeness test compares them. */
export function placeholdersOf (entry: Entry): string[] {
  const forms = typeof entry === 'string' ? [entry] : Object.values(entry)
  const names = new Set(forms.flatMap((form) => [...form.matchAll(PLACEHOLDER)].map((m) => m[1]!)))
  return [...names].sort()
}

/**
 * A language's catalogue with Intl formatters for its locale: plural forms by
 * Intl.PluralRules, numbers by Intl.NumberFormat, times by Intl.DateTimeFormat.
 */
export function createTranslator (locale: Locale, catalogue: Catalogue): Translator {
  const plurals = new Intl.PluralRules(locale)
  const numbers = new Intl.NumberFormat(locale)
  const minutes = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' })
  const seconds = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' })
  const days = new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric' })

  const fill = (template: string, params: Readonly<Record<string, string | number>>): string =>
    template.replace(PLACEHOLDER, (whole, name: string) => {
      const value = params[name]
      if (value == null) return whole
      return typeof value === 'number' ? numbers.format(value) : value
    })

  const t = ((key: MessageKey, params: Readonly<Record<string, string | number>> = {}): string => {
    const entry: Entry = catalogue[key]
    if (typeof entry === 'string') return fill(entry, params)
    const count = Number(params.count)
    return fill(entry[plurals.select(count)] ?? entry.other, params)
  }) as Translate

  return {
    locale,
    t,
    time: (at) => minutes.format(at),
    timeWithSeconds: (at) => seconds.format(at),
    day: (at) => days.format(at),
    number: (n) => numbers.format(n)
  }
}
