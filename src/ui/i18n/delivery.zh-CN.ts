import type { Catalogue } from './catalogue.ts'
import type { deliveryEn } from './delivery.en.ts'

/** Simplified Chinese for delivery.en.ts. */
export const deliveryZhCN: { readonly [K in keyof typeof deliveryEn]: Catalogue[K] } = {
  'delivery.notYetStored': {
    other: '尚未存储：{count} 条消息既未送达，也未存入信箱。请保持 Murmur 打开，直到存储完成。'
  }
}
