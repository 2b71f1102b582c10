import type { Entry } from './catalogue.ts'

/** Network start-up and offline texts (self-healing networking); spread into en.ts. */
export const networkEn = {
  'relay.waiting': 'Waiting for the relay… retrying in {seconds} s',
  'relay.offlineDirect': 'Relay offline: conversations with a direct link go on',
  'pwa.offlineDirect': 'Offline: Murmur cannot reach its server. Conversations with a direct link go on.'
} as const satisfies Record<string, Entry>
