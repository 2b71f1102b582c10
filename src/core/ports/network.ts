import type { Identity } from '../identity.ts'
import type { DmEnvelope } from '../envelope.ts'
import type { StoredContact } from './records.ts'

/**
 * The network ports: what the app asks of the libp2p half (src/net/tab-network.ts) and what
 * that half tells it. Narrow on purpose: the outbox needs links and mailboxes, groups need
 * topics and sync, and each service names only what it uses. Tests stand in with in-memory
 * wires (test/unit/support/).
 */

export type SealedEnvelope = Extract<DmEnvelope, { kind: 'sealed' }>

/**
 * offline: no way to them right now; relay: signalling through the relay; direct: WebRTC
 * is up, browser to browser; turn: WebRTC is up through a TURN server.
 */
export type ConnectionStatus = 'offline' | 'relay' | 'direct' | 'turn'

/** connecting: dialling relays; reserved: reachable through at least one; offline: none. */
export type RelayStatus = 'connecting' | 'reserved' | 'offline'

/** Direct links to contacts, bound to their identity by a signed hello. */
export interface Links {
  /** Keep trying to reach this contact until a direct link is up. */
  watch: (contact: StoredContact) => void
  /** A receipt is overdue on this link: check it now (a ping) rather than at its next idle check; a dead one closes. */
  checkLink: (userId: string) => void
  /** Stop looking for this person (deleted or blocked): no more lookups or dials; a live link closes on its own. */
  unwatch: (userId: string) => void
  /** Sends on a live direct link; false when there is none. */
  send: (userId: string, frame: Uint8Array) => Promise<boolean>
  isLinked: (userId: string) => boolean
  status: (userId: string) => ConnectionStatus
}

/** Records in the DHT: prekeys to start sessions with, and mailbox slots. */
export interface Directory {
  /** The contact's signed prekey record from the DHT, when it has one. */
  findPrekey: (publicKey: Uint8Array) => Promise<Uint8Array | undefined>
  /** Our current signed prekey record, published with our presence. */
  setPrekeyRecord: (record: Uint8Array) => void
  /**
   * PUTs a mailbox record to its slot's closest DHT nodes; how many took it. `onHeld` hears
   * the count each time one more holder took it, long before a holder that vanished lets the
   * PUT end.
   */
  putMailbox: (key: Uint8Array, record: Uint8Array, onHeld?: (holders: number) => void) => Promise<number>
  /**
   * Every holder's version of a mailbox slot's record; empty when none has one. `onValue`
   * hears each version as it arrives, before the lookup has asked every holder.
   */
  getMailbox: (key: Uint8Array, onValue?: (value: Uint8Array) => void) => Promise<Uint8Array[]>
}

/** Group topics (gossip) and catch-up from fellow members (sync). */
export interface GroupTransport {
  /** Subscribes to a group topic (idempotent). */
  joinTopic: (topic: string) => void
  leaveTopic: (topic: string) => void
  /**
   * Gossips a group message; resolves with the members (user ids) it went to directly.
   * Empty is fine: a member it missed gets it over their session, or by sync.
   */
  gossip: (topic: string, data: Uint8Array) => Promise<string[]>
  /** Whether a member has a direct link sync can use. */
  isLinked: (userId: string) => boolean
  /** Asks a linked member for what we lack; throws when there is no link or it fails. */
  sync: (userId: string, request: Uint8Array) => Promise<Uint8Array[]>
}

/** The whole network half, as the messenger holds it once it is loaded. */
export interface Network extends Links, Directory, GroupTransport {
  stop: () => Promise<void>
}

/** What arrives on links, and how they come and go. */
export interface LinkEvents {
  /**
   * An encrypted payload addressed to us, from the identity its link is bound to, over a
   * connection to `via.peerId` (one PeerId may start sessions for a few identities only).
   */
  onEnvelope: (envelope: SealedEnvelope, via?: { peerId: string }) => void
  /** A direct link to this identity is up: time to flush what waits for it. */
  onLinkUp: (userId: string) => void
  onStatus: (userId: string, status: ConnectionStatus) => void
  /** A frame refused before decryption (malformed, oversized): for diagnostics. */
  onRefusedFrame: (reason: string) => void
}

/** Whether this tab is reachable through relays. */
export interface RelayEvents {
  /** `reservedRelays`: how many relays hold a reservation for this tab. */
  onRelayStatus: (status: RelayStatus, reservedRelays: number) => void
}

/** What group topics and sync hand to the app. */
export interface GroupEvents {
  /** A group topic's gossip validator: accept (deliver, forward), reject (punish the sender) or ignore. */
  validateGroupMessage: (topic: string, data: Uint8Array) => Promise<'accept' | 'reject' | 'ignore'>
  /** An accepted group message; `from` is the member whose link forwarded it, when we know them. */
  onGroupMessage: (topic: string, data: Uint8Array, from: string | undefined) => void
  /** A member asks what we have of a group (`/murmur/sync/1.0.0`); empty to refuse. */
  onSyncRequest: (userId: string, request: Uint8Array) => Promise<Uint8Array[]>
}

/** Everything the network half tells the app, and who we are (hellos and presence are signed). */
export interface NetworkHost extends LinkEvents, RelayEvents, GroupEvents {
  readonly identity: Identity
  readonly name: string
}
