import type { SummaryItem } from '../../core/conversation-summary.ts'
import type { Translate } from '../i18n/catalogue.ts'

/**
 * The conversation list's one line for a conversation's newest message: its text on one
 * line ("You: …" when we wrote it), the "waiting for the key" sentence when a group message
 * cannot be read yet, nothing when the conversation is empty. CSS cuts it with an ellipsis;
 * here it is only kept short, so a long message is not laid out whole.
 */
export const PREVIEW_MAX_CHARS = 200

export function previewOf (last: SummaryItem | undefined, t: Translate): string | undefined {
  if (last == null) return undefined
  if (last.text == null) return t('group.waitingForKey')
  const line = last.text.replace(/\s+/g, ' ').trim().slice(0, PREVIEW_MAX_CHARS)
  return last.mine ? t('unread.you', { text: line }) : line
}
