import type { Catalogue } from './catalogue.ts'
import type { peopleEn } from './people.en.ts'

export const peopleZhCN: { readonly [K in keyof typeof peopleEn]: Catalogue[K] } = {
  'requests.label': '消息请求',
  'requests.unverified': '{name}（未验证的名字）',
  'requests.hint': '还不是联系人：对方看不到你是否已读，在你接受之前也不会从你这里得到任何东西。',
  'requests.accept': '接受',
  'requests.delete': '删除',
  'requests.block': '屏蔽',
  'requests.messagesOf': '来自 {name} 的消息',
  'requests.invitation': { other: '邀请你加入群组“{group}”（{count} 位成员）' },
  'requests.join': '加入 {group}',
  'requests.decline': '拒绝 {group}',

  'confirm.ask': '确认删除？',
  'confirm.cancel': '取消',

  'people.rename': '这位联系人的名字',
  'people.renameHint': '只有你能看到这个名字。留空则使用对方自己取的名字（{name}）。',
  'people.save': '保存名字',
  'people.block': '屏蔽',
  'people.deleteContact': '删除联系人',
  'people.clearHistory': '删除聊天记录',
  'people.deleteMessage': '删除消息',
  'people.blocked': '已屏蔽',
  'people.blockedEmpty': '没有屏蔽任何人。',
  'people.unblock': '解除屏蔽 {id}',
  'people.unblockButton': '解除屏蔽',
  'people.displayName': '你的显示名称',
  'people.saveDisplayName': '保存显示名称',
  'people.displayNameHint': '联系人会在你的下一条消息中看到新名字。',
  'groupDetails.confirmLeave': '确认退出？'
}
