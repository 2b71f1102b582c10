import type { Catalogue } from './catalogue.ts'
import type { invitesEn } from './invites.en.ts'

export const invitesZhCN: { readonly [K in keyof typeof invitesEn]: Catalogue[K] } = {
  'invites.label': '邀请',
  'invites.hint': '每个邀请链接都有自己的密钥。还不是你联系人的人可以通过有效的邀请给你留下第一条消息；不想再被回应的邀请可以撤销。',
  'invites.none': '没有有效的邀请。复制你的邀请链接时会生成一个。',
  'invites.item': '创建于 {created}，{expires} 过期',
  'invites.new': '新建邀请',
  'invites.revoke': '撤销',
  'invites.revokeConfirm': '撤销这个邀请？通过它发送的第一条消息将不会送达你。',
  'invites.limit': '你已有 10 个有效邀请，这是 Murmur 保留的上限。请先撤销一个，再新建。'
}
