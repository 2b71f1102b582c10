import type { Entry } from './catalogue.ts'

/** Settings, "Invites" (src/ui/components/InviteSettings.svelte). */
export const invitesEn = {
  'invites.label': 'Invites',
  'invites.hint': 'Each invite link has its own secret. People who are not your contacts yet can leave you first messages through a live invite; revoke one you no longer want answered.',
  'invites.none': 'No live invites. Copying your invite link makes one.',
  'invites.item': 'Made {created}, expires {expires}',
  'invites.new': 'New invite',
  'invites.revoke': 'Revoke',
  'invites.revokeConfirm': 'Revoke this invite? First messages sent through it will not reach you.',
  'invites.limit': 'You have 10 open invites, the most Murmur keeps. Revoke one, then make a new one.'
} as const satisfies Record<string, Entry>
