import { decodeEnvelope, encodeEnvelope } from '../core/envelope.ts'
import type { Identity } from '../core/identity.ts'
import { newMessageId } from '../core/message-id.ts'
import type { SealedEnvelope } from '../core/ports/index.ts'
import { encodeUserId } from '../core/user-id.ts'
import { randomBytes, type RandomSource } from '../crypto/index.ts'

/**
 * Why a well-formed frame was dropped. A link belongs to nobody until a valid hello binds
 * it, and then only to the identity that hello proved.
 */
export type LinkDropReason =
  /** A hello on a link that is bound already: the first one decided. */
  | 'second-hello'
  /** The hello names a PeerId other than the connection's remote peer: replayed from elsewhere. */
  | 'wrong-peer'
  /** We dialled one identity and another answered. */
  | 'unexpected-identity'
  /** A sealed frame before any hello. */
  | 'unbound'
  /** A sealed frame from an identity other than the one the link is bound to. */
  | 'other-sender'

/** What to do with one frame that arrived on a link. */
export type LinkVerdict =
  /** The link now belongs to `userId`; `reply` is our hello, when the other end called us. */
  | { action: 'bind', userId: string, reply?: Uint8Array }
  | { action: 'deliver', envelope: SealedEnvelope }
  | { action: 'drop', reason: LinkDropReason }
  /** Not a valid envelope for us (malformed, oversized, badly signed, addressed elsewhere). */
  | { action: 'refuse', reason: string }

export interface LinkBindingInit {
  /** Ours: hellos we write are signed by it, hellos we take must name it. */
  identity: Identity
  /** Our display name, carried in our hello. */
  name: string
  /** This node's PeerId, which our hello names. */
  localPeerId: string
  /** The PeerId at the other end of the connection the link runs on. */
  remotePeerId: string
  /** Set when we dialled: the identity we meant to reach, the only one the link may bind to. */
  expected?: Uint8Array
  now?: () => number
  random?: RandomSource
}

export interface LinkBinding {
  /** The user id the link is bound to, once a hello proved it. */
  readonly boundTo: string | undefined
  /**
   * The hello a dialler writes first, naming the identity it meant to reach. Undefined on
   * an accepted link: it answers once it knows who called.
   */
  readonly opening: Uint8Array | undefined
  /** Decides one received frame. */
  receive: (frame: Uint8Array) => LinkVerdict
}

/**
 * The signed-hello rule of `/murmur/dm/1.0.0` (docs/PROTOCOL.md), without the stream:
 * both ends start with a hello signed by their identity that names the other end (checked
 * by decodeEnvelope against `identity`) and their own PeerId (checked here against the
 * connection's remote peer). So a link is bound to an identity only when that identity
 * really sits behind the connection; a hello copied from another link names the wrong
 * receiver or the wrong peer. Until the link is bound, and from anyone but the bound
 * identity after, sealed frames are dropped.
 */
export function createLinkBinding (init: LinkBindingInit): LinkBinding {
  const self = init.identity.publicKey
  const expectedId = init.expected == null ? undefined : encodeUserId(init.expected)
  const now = init.now ?? Date.now
  const random = init.random ?? randomBytes
  let boundTo: string | undefined

  const hello = (to: Uint8Array): Uint8Array => encodeEnvelope(init.identity, {
    kind: 'hello',
    to,
    id: newMessageId(random),
    sentAt: now(),
    name: init.name,
    peerId: init.localPeerId
  })

  const receive = (frame: Uint8Array): LinkVerdict => {
    let envelope
    try {
      envelope = decodeEnvelope(frame, { self })
    } catch (err) {
      return { action: 'refuse', reason: err instanceof Error ? err.name : 'malformed' }
    }
    const from = encodeUserId(envelope.from)
    if (envelope.kind === 'hello') {
      if (boundTo != null) return { action: 'drop', reason: 'second-hello' }
      if (envelope.peerId !== init.remotePeerId) return { action: 'drop', reason: 'wrong-peer' }
      if (expectedId != null && expectedId !== from) return { action: 'drop', reason: 'unexpected-identity' }
      boundTo = from
      return expectedId == null ? { action: 'bind', userId: from, reply: hello(envelope.from) } : { action: 'bind', userId: from }
    }
    if (boundTo == null) return { action: 'drop', reason: 'unbound' }
    if (boundTo !== from) return { action: 'drop', reason: 'other-sender' }
    return { action: 'deliver', envelope }
  }

  return {
    get boundTo () { return boundTo },
    opening: init.expected == null ? undefined : hello(init.expected),
    receive
  }
}
