import type { Identity } from '../core/identity.ts'
import type { DmEnvelope } from '../core/envelope.ts'
import type { StoredContact } from './store-port.ts'
import type { RelayStatus } from '../net/relay-keeper.ts'

/** offline: no way to them right now; relay: signalling through the relay; direct: WebRTC is up. */
export type ConnectionStatus = 'offline' | 'relay' | 'direct'

/** What the network half of the app needs from the messenger, and tells it. */
export interface NetworkHost {
  readonly identity: Identity
  readonly name: string
  /** A verified message or receipt addressed to us, from the identity bound to its link. */
  onEnvelope: (envelope: Exclude<DmEnvelope, { kind: 'hello' }>) => void
  /** A direct link to this identity is up: time to flush what waits for it. */
  onLinkUp: (userId: string) => void
  onStatus: (userId: string, status: ConnectionStatus) => void
  onRelayStatus: (status: RelayStatus) => void
  onRefusedFrame: (reason: string) => void
}

/** What the messenger can ask of the network half once it is loaded. */
export interface Network {
  /** Keep trying to reach this contact until a direct link is up. */
  watch: (contact: StoredContact) => void
  /** Sends on a live direct link; false when there is none. */
  send: (userId: string, frame: Uint8Array) => Promise<boolean>
  status: (userId: string) => ConnectionStatus
  stop: () => Promise<void>
}
