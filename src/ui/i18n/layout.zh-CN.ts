import type { Catalogue } from './catalogue.ts'
import type { layoutEn } from './layout.en.ts'

export const layoutZhCN: { readonly [K in keyof typeof layoutEn]: Catalogue[K] } = {
  'layout.skip': '跳到主要内容',
  'layout.addPanel': '邀请或添加好友',
  'layout.main': '主要内容',
  'settingsView.back': '返回会话列表',
  'settingsView.connection': '连接',
  'settingsView.connectionHint': 'Murmur 通过中继找到你的联系人，然后在浏览器之间与他们直接通信。中继永远看不到你写的内容。',
  'settingsView.privacy': '隐私',
  'settingsView.storage': '存储',
  'settingsView.notifications': '通知',
  'settingsView.advanced': '高级',
  'settingsView.advancedHint': '这个浏览器使用的中继和 ICE 服务器，以及可随错误报告一起发送的日志。'
}
