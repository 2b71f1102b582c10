import { describe, expect, it } from 'vitest'
import { createTranslator, placeholdersOf, type Catalogue, type Entry } from '../../../src/ui/i18n/catalogue.ts'
import { en } from '../../../src/ui/i18n/en.ts'
import { zhCN } from '../../../src/ui/i18n/zh-CN.ts'
import { chooseLocale } from '../../../src/ui/i18n/locale.ts'

// Every language against English, the source. The types catch a missing or extra key at
// build time; these catch it (and a placeholder a translation lost or invented) at test time
// too, whatever a cast may have hidden.
const LANGUAGES: Record<string, Readonly<Record<string, Entry>>> = { 'zh-CN': zhCN }

describe('the message catalogue', () => {
  for (const [name, catalogue] of Object.entries(LANGUAGES)) {
    it(`${name} has exactly the keys English has`, () => {
      const missing = Object.keys(en).filter((k) => !(k in catalogue))
      const extra = Object.keys(catalogue).filter((k) => !(k in en))
      expect({ missing, extra }).toEqual({ missing: [], extra: [] })
    })

    it(`${name} uses the same {placeholders} as English in every message`, () => {
      const differ = Object.entries(en).flatMap(([key, source]) => {
        const translated = catalogue[key]
        if (translated == null) return []
        const want = placeholdersOf(source)
        const got = placeholdersOf(translated)
        return JSON.stringify(want) === JSON.stringify(got) ? [] : [`${key}: English ${want.join(',')}, ${name} ${got.join(',')}`]
      })
      expect(differ).toEqual([])
    })

    it(`${name} has plural forms exactly where English has them, each with an "other" form`, () => {
      const differ = Object.entries(en).filter(([key, source]) => {
        const translated = catalogue[key]
        return translated == null || typeof translated !== typeof source || (typeof translated === 'object' && typeof translated.other !== 'string')
      }).map(([key]) => key)
      expect(differ).toEqual([])
    })

    it(`${name} leaves no message empty`, () => {
      const empty = Object.entries(catalogue).filter(([, entry]) => (typeof entry === 'string' ? [entry] : Object.values(entry)).some((form) => form.trim() === ''))
      expect(empty.map(([key]) => key)).toEqual([])
    })
  }

  it('fills parameters, formats numbers for the language, and picks plural forms with Intl.PluralRules', () => {
    const english = createTranslator('en', en)
    expect(english.t('composer.send')).toBe('Send')
    expect(english.t('messages.heldBy', { count: 1 })).toBe('held by 1 peer')
    expect(english.t('messages.heldBy', { count: 3 })).toBe('held by 3 peers')
    expect(english.t('relay.reachable', { count: 1 })).toBe('Reachable through one relay')
    expect(english.t('relay.reachable', { count: 0 })).toBe('Reachable through 0 relays')
    expect(english.t('error.messageTooLong', { max: 4000 })).toBe('A message has at most 4,000 characters.')
    expect(english.t('groups.remove', { name: 'Ann {name}' })).toBe('Remove Ann {name}')

    const chinese = createTranslator('zh-CN', zhCN)
    expect(chinese.t('composer.send')).toBe('发送')
    expect(chinese.t('messages.heldBy', { count: 1 })).toBe('由 1 个节点保存')
    expect(chinese.t('group.members', { count: 12 })).toBe('12 位成员 · 端到端加密')
  })

  it('writes times in the chosen language', () => {
    const at = Date.UTC(2026, 0, 2, 15, 4, 5)
    // Whatever the machine's time zone, the two languages format the same instant differently
    // (the English 12-hour clock with AM/PM, Chinese 上午/下午 or a 24-hour clock).
    expect(createTranslator('en', en).time(at)).toMatch(/^\d\d:\d\d\s?[AP]M$/)
    expect(createTranslator('zh-CN', zhCN).time(at)).toMatch(/^(上午|下午|凌晨|中午|晚上)?\d\d:\d\d$/)
  })

  it('an English catalogue object is a valid Catalogue (the type every language has)', () => {
    const asCatalogue: Catalogue = en
    expect(Object.keys(asCatalogue).length).toBeGreaterThan(100)
  })
})

describe('choosing the language from the browser', () => {
  it('takes simplified Chinese for zh, zh-CN, zh-SG and zh-Hans-*', () => {
    for (const tag of ['zh', 'zh-CN', 'zh-SG', 'zh-Hans', 'zh-Hans-HK', 'zh-MY', 'ZH-cn']) {
      expect(chooseLocale([tag]), tag).toBe('zh-CN')
    }
  })

  it('takes English for traditional Chinese and for languages Murmur does not have', () => {
    for (const tag of ['zh-TW', 'zh-HK', 'zh-Hant', 'zh-Hant-CN', 'fr-FR', 'ja', 'not a tag', '']) {
      expect(chooseLocale([tag]), tag).toBe('en')
    }
    expect(chooseLocale([])).toBe('en')
  })

  it('follows the browser\'s order: the first language Murmur has wins', () => {
    expect(chooseLocale(['zh-CN', 'en-US'])).toBe('zh-CN')
    expect(chooseLocale(['en-GB', 'zh-CN'])).toBe('en')
    expect(chooseLocale(['fr', 'zh-TW', 'zh-CN', 'en'])).toBe('zh-CN')
    expect(chooseLocale(['de', 'en-AU', 'zh'])).toBe('en')
  })
})
