import type { Entry } from './catalogue.ts'

/** English: the status lines of a group's log (src/core/group/membership-events.ts). */
export const groupEventsEn = {
  'groupEvent.created': '{by} created the group',
  'groupEvent.createdYou': 'You created the group',
  'groupEvent.added': '{by} added {who}',
  'groupEvent.addedYou': '{by} added you',
  'groupEvent.youAdded': 'You added {who}',
  'groupEvent.removed': '{by} removed {who}',
  'groupEvent.removedYou': '{by} removed you',
  'groupEvent.youRemoved': 'You removed {who}',
  'groupEvent.left': '{who} left',
  'groupEvent.youLeft': 'You left',
  // A member who only sees the admin's new state cannot tell leaving from being removed.
  'groupEvent.gone': '{who} is no longer in the group',
  'groupEvent.admin': '{who} is the admin now',
  'groupEvent.adminYou': 'You are the admin now'
} as const satisfies Record<string, Entry>
