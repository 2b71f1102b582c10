import type { Catalogue } from './catalogue.ts'
import type { networkEn } from './network.en.ts'

/** Network start-up and offline texts in Simplified Chinese; spread into zh-CN.ts. */
export const networkZhCN: { readonly [K in keyof typeof networkEn]: Catalogue[K] } = {
  'relay.waiting': '正在等待中继…{seconds} 秒后重试',
  'relay.offlineDirect': '中继离线：已直接连接的对话照常进行',
  'pwa.offlineDirect': '离线：Murmur 无法连接到它的服务器。已直接连接的对话照常进行。'
}
