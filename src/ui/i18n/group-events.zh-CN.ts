import type { Catalogue } from './catalogue.ts'
import type { groupEventsEn } from './group-events.en.ts'

/** Simplified Chinese for src/ui/i18n/group-events.en.ts. */
export const groupEventsZhCN: { readonly [K in keyof typeof groupEventsEn]: Catalogue[K] } = {
  'groupEvent.created': '{by} 创建了群组',
  'groupEvent.createdYou': '你创建了群组',
  'groupEvent.added': '{by} 添加了 {who}',
  'groupEvent.addedYou': '{by} 把你加入了群组',
  'groupEvent.youAdded': '你添加了 {who}',
  'groupEvent.removed': '{by} 移除了 {who}',
  'groupEvent.removedYou': '{by} 把你移出了群组',
  'groupEvent.youRemoved': '你移除了 {who}',
  'groupEvent.left': '{who} 退出了群组',
  'groupEvent.youLeft': '你退出了群组',
  'groupEvent.gone': '{who} 已不在群组中',
  'groupEvent.admin': '{who} 现在是管理员',
  'groupEvent.adminYou': '你现在是管理员'
}
