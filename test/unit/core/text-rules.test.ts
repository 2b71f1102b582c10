import { describe, expect, it } from 'vitest'
import { isValidMessageText, normalizeDisplayName } from '../../../src/core/text-rules.ts'

describe('display names', () => {
  it('are trimmed and keep emoji and other scripts', () => {
    expect(normalizeDisplayName('  Zoë 🦊 ')).toBe('Zoë 🦊')
    expect(normalizeDisplayName('أحمد')).toBe('أحمد')
    expect(normalizeDisplayName('👨‍👩‍👧')).toBe('👨‍👩‍👧')
  })

  it('have 1 to 64 characters after trimming', () => {
    expect(normalizeDisplayName('x'.repeat(64))).toBe('x'.repeat(64))
    expect(normalizeDisplayName(` ${'x'.repeat(64)} `)).toBe('x'.repeat(64))
    expect(normalizeDisplayName('x'.repeat(65))).toBeUndefined()
    expect(normalizeDisplayName('')).toBeUndefined()
    expect(normalizeDisplayName(' \t ')).toBeUndefined()
  })

  it('hold no control characters, bidi overrides or lone surrogates', () => {
    for (const name of ['a\u0000b', 'a\nb', 'a\u007fb', 'a\u0085b', 'evil\u202Eexe.txt', 'a\u2067b', 'a\uD800b']) {
      expect(normalizeDisplayName(name)).toBeUndefined()
    }
  })
})

describe('message text', () => {
  it('is 1 to 4000 characters with something besides whitespace', () => {
    expect(isValidMessageText('hi')).toBe(true)
    expect(isValidMessageText('line one\nline two')).toBe(true)
    expect(isValidMessageText('x'.repeat(4000))).toBe(true)
    expect(isValidMessageText('x'.repeat(4001))).toBe(false)
    expect(isValidMessageText('')).toBe(false)
    expect(isValidMessageText(' \n ')).toBe(false)
    expect(isValidMessageText('lone \uDC00')).toBe(false)
  })
})
