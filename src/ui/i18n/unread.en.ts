import type { Entry } from './catalogue.ts'

/** English: unread counts, the conversation list's previews, the page's notification, the composer's limit. */
export const unreadEn = {
  'unread.badge': { one: '{count} unread message', other: '{count} unread messages' },
  'unread.title': '({count}) Murmur',
  // The same words as the service worker's push notification (src/sw/notification.ts; a test keeps them equal).
  'unread.notificationTitle': 'New message',
  'unread.notificationBody': 'Open Murmur to read it.',
  'unread.you': 'You: {text}',
  'composer.tooLong': 'That is {count} characters; a message holds at most {max}. Shorten it to send it.'
} as const satisfies Record<string, Entry>
