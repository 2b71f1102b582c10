import type { Entry } from './catalogue.ts'

/** Who reaches me: message requests, blocking, deleting, names (src/ui/components/requests, ContactDetails). */
export const peopleEn = {
  'requests.label': 'Message requests',
  'requests.unverified': '{name} (unverified name)',
  'requests.hint': 'Not a contact yet: they cannot see that you read this, and get nothing from you until you accept.',
  'requests.accept': 'Accept',
  'requests.delete': 'Delete',
  'requests.block': 'Block',
  'requests.messagesOf': 'Messages from {name}',
  'requests.invitation': { one: 'Invites you to the group “{group}” ({count} member)', other: 'Invites you to the group “{group}” ({count} members)' },
  'requests.join': 'Join {group}',
  'requests.decline': 'Decline {group}',

  'confirm.ask': 'Confirm delete?',
  'confirm.cancel': 'Cancel',

  'people.rename': 'Name for this contact',
  'people.renameHint': 'Only you see this name. Leave it empty to use the name they chose ({name}).',
  'people.save': 'Save name',
  'people.block': 'Block',
  'people.deleteContact': 'Delete contact',
  'people.clearHistory': 'Delete conversation history',
  'people.deleteMessage': 'Delete message',
  'people.blocked': 'Blocked',
  'people.blockedEmpty': 'Nobody is blocked.',
  'people.unblock': 'Unblock {id}',
  'people.unblockButton': 'Unblock',
  'people.displayName': 'Your display name',
  'people.saveDisplayName': 'Save display name',
  'people.displayNameHint': 'Your contacts see a new name with your next message.',
  'groupDetails.confirmLeave': 'Confirm leave?'
} as const satisfies Record<string, Entry>
