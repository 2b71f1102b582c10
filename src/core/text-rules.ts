import { isWellFormedText } from './codec.ts'

// "Characters" here are UTF-16 code units, what String.length and an input's maxlength
// count, so the limits match what the composer and the name field already enforce.

export const NAME_MAX_CHARS = 64
/** Wire cap for a name: 64 UTF-16 units take at most 192 UTF-8 bytes; the rest is slack for whitespace. */
export const NAME_MAX_BYTES = 256
export const TEXT_MAX_CHARS = 4000
/** Wire cap for message text: one UTF-16 unit never takes more than 3 UTF-8 bytes. */
export const TEXT_MAX_BYTES = TEXT_MAX_CHARS * 3

// C0/C1 controls, and the bidi embedding/override/isolate marks: in a name those can make
// one contact look like another, or reorder the text around it in the contact list.
const FORBIDDEN_IN_NAME = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u

/** The display name as it should be shown (trimmed), or undefined when it is not acceptable. */
export function normalizeDisplayName (name: string): string | undefined {
  if (typeof name !== 'string') return undefined
  const trimmed = name.trim()
  if (trimmed.length < 1 || trimmed.length > NAME_MAX_CHARS) return undefined
  if (FORBIDDEN_IN_NAME.test(trimmed) || !isWellFormedText(trimmed)) return undefined
  return trimmed
}

/** Message text is kept as written (line breaks and all) but must say something. */
export function isValidMessageText (text: string): boolean {
  return typeof text === 'string' &&
    text.length >= 1 && text.length <= TEXT_MAX_CHARS &&
    text.trim().length > 0 &&
    isWellFormedText(text)
}
