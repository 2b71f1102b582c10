import type { Identity } from '../core/identity.ts'
import type { DmEnvelope } from '../core/envelope.ts'
import type { StoredContact } from './store-port.ts'
import type { RelayStatus } from '../net/relay-keeper.ts'

export type SealedEnvelope = Extract<DmEnvelope, { kind: 'sealed' }>

/**
 * offline: no way to them right now; relay: signalling through the relay; direct: WebRTC
 * is up, browser to browser; turn: WebRTC is up through a TURN server.
 */
export type ConnectionStatus = 'offline' | 'relay' | 'direct' | 'turn'

/** What the network half of the app needs from the messenger, and tells it. */
export interface NetworkHost {
  readonly identity: Identity
  readonly name: string
  /** An encrypted payload addressed to us, from the identity its link is bound to. */
  onEnvelope: (envelope: SealedEnvelope) => void
  /** A direct link to this identity is up: time to flush what waits for it. */
  onLinkUp: (userId: string) => void
  onStatus: (userId: string, status: ConnectionStatus) => void
  /** `reservedRelays`: how many relays hold a reservation for this tab. */
  onRelayStatus: (status: RelayStatus, reservedRelays: number) => void
  onRefusedFrame: (reason: string) => void
  /** A group topic's gossip validator: accept (deliver, forward), reject (punish the sender) or ignore. */
  validateGroupMessage: (topic: string, data: Uint8Array) => Promise<'accept' | 'reject' | 'ignore'>
  /** An accepted group message; `from` is the member whose link forwarded it, when we know them. */
  onGroupMessage: (topic: string, data: Uint8Array, from: string | undefined) => void
  /** A member asks what we have of a group (`/murmur/sync/1.0.0`); empty to refuse. */
  onSyncRequest: (userId: string, request: Uint8Array) => Promise<Uint8Array[]>
}

/** What the messenger can ask of the network half once it is loaded. */
export interface Network {
  /** Keep trying to reach this contact until a direct link is up. */
  watch: (contact: StoredContact) => void
  /** Sends on a live direct link; false when there is none. */
  send: (userId: string, frame: Uint8Array) => Promise<boolean>
  isLinked: (userId: string) => boolean
  /** The contact's signed prekey record from the DHT, when it has one. */
  findPrekey: (publicKey: Uint8Array) => Promise<Uint8Array | undefined>
  /** Our current signed prekey record, published with our presence. */
  setPrekeyRecord: (record: Uint8Array) => void
  status: (userId: string) => ConnectionStatus
  /** PUTs a mailbox record to its slot's closest DHT nodes; how many took it. */
  putMailbox: (key: Uint8Array, record: Uint8Array) => Promise<number>
  /**
   * Every holder's version of a mailbox slot's record; empty when none has one. `onValue`
   * hears each version as it arrives, before the lookup has asked every holder.
   */
  getMailbox: (key: Uint8Array, onValue?: (value: Uint8Array) => void) => Promise<Uint8Array[]>
  /** Subscribes to a group topic (idempotent). */
  joinTopic: (topic: string) => void
  leaveTopic: (topic: string) => void
  /**
   * Gossips a group message; resolves with the members (user ids) it went to directly.
   * Empty is fine: a member it missed gets it over their session, or by sync.
   */
  gossip: (topic: string, data: Uint8Array) => Promise<string[]>
  /** Asks a linked member for what we lack; throws when there is no link or it fails. */
  sync: (userId: string, request: Uint8Array) => Promise<Uint8Array[]>
  stop: () => Promise<void>
}
