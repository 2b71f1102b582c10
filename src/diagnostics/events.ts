/**
 * Typed events from the app's services: what happened when, for the diagnostics view and
 * for the benchmarks, which read them from the page instead of product code scattering
 * `performance.mark` calls. Every event is one name and one detail shape below.
 */
export interface MurmurEventMap {
  /** The first relay reservation of this tab's life. */
  'relay:reserved': Record<string, never>
  /** A direct (WebRTC) link to a contact came up. */
  'link:direct': { userId: string }
  /** One mailbox record PUT: what it cost and how many peers took it. */
  'mailbox:put': { ms: number, holders: number, bytes: number, entries: number }
  /** One mailbox slot opened while draining: how long its lookup waited, how long opening took. */
  'mailbox:slot': { index: number, waitedMs: number, receiveMs: number, received: number }
  /** A whole drain of the mailboxes. */
  'mailbox:drained': { slots: number, entries: number, received: number, complete: boolean, ms: number }
  /** The service worker said a push arrived while this tab was open. */
  'push:received': { leading: boolean, relay: string }
  /** The drain a push started has ended (undefined report: it failed). */
  'push:drained': { slots: number, entries: number, received: number, complete: boolean } | undefined
  /** A contact's push token was stored: ours to poke from now on. */
  'push:note-stored': { contactId: string }
  /** We wrote a group message; `at` is wall-clock milliseconds, comparable across tabs. */
  'group:sent': { id: string, at: number }
  /** Copies of group messages we held already (gossip and sync overlapping). */
  'group:duplicates': { count: number }
}

export type MurmurEventName = keyof MurmurEventMap

export interface RecordedEvent<K extends MurmurEventName = MurmurEventName> {
  name: K
  detail: MurmurEventMap[K]
  /** `performance.now()` when it happened: comparable with the page's own timings. */
  at: number
}

export interface EventSink {
  emit: <K extends MurmurEventName>(name: K, detail: MurmurEventMap[K]) => void
}

/** For tests and tools that listen to nothing. */
export const ignoreEvents: EventSink = { emit: () => {} }
