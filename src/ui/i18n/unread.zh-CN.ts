import type { Catalogue } from './catalogue.ts'
import type { unreadEn } from './unread.en.ts'

/** Simplified Chinese for src/ui/i18n/unread.en.ts. */
export const unreadZhCN: { readonly [K in keyof typeof unreadEn]: Catalogue[K] } = {
  'unread.badge': { other: '{count} 条未读消息' },
  'unread.title': '({count}) Murmur',
  'unread.notificationTitle': '新消息',
  'unread.notificationBody': '打开 Murmur 查看。',
  'unread.you': '我：{text}',
  'composer.tooLong': '这条消息有 {count} 个字符；一条消息最多 {max} 个字符。请删减后再发送。'
}
