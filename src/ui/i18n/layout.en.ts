import type { Entry } from './catalogue.ts'

/** The screens' frame: skip link, the settings view and its groups, the phone layout. */
export const layoutEn = {
  'layout.skip': 'Skip to content',
  'layout.addPanel': 'Invite or add someone',
  'layout.main': 'Main',
  'settingsView.back': 'Back to conversations',
  'settingsView.connection': 'Connection',
  'settingsView.connectionHint': 'Murmur finds your contacts through relays, then talks to each of them directly, browser to browser. The relays never see what you write.',
  'settingsView.privacy': 'Privacy',
  'settingsView.storage': 'Storage',
  'settingsView.notifications': 'Notifications',
  'settingsView.advanced': 'Advanced',
  'settingsView.advancedHint': 'Which relays and ICE servers this browser uses, and a log to send with a bug report.'
} as const satisfies Record<string, Entry>
