import type { Entry } from './catalogue.ts'

/** Texts about whether sent messages are safe when the tab goes away (src/ui/state/leaving-state.svelte.ts). */
export const deliveryEn = {
  'delivery.notYetStored': {
    one: 'Not yet stored: {count} message is neither delivered nor waiting in a mailbox. Keep Murmur open until it is.',
    other: 'Not yet stored: {count} messages are neither delivered nor waiting in a mailbox. Keep Murmur open until they are.'
  }
} as const satisfies Record<string, Entry>
