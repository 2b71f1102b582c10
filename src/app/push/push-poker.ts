import { pokePushToken, type PokeOutcome } from './push-client.ts'
import type { StoredContact } from '../../core/ports/index.ts'

/**
 * Wakes a contact after we left mail in their mailbox: one POST of their token to their
 * push gateway (docs/PROTOCOL.md "Push gateway"). At most one poke per contact per window:
 * a burst of messages needs one wake-up, and the gateway would refuse the rest (429)
 * anyway. A poke is a courtesy: whatever happens to it, the message is already stored.
 */

/** The gateway's default interval between two pushes to one token (relay --push-interval). */
export const POKE_WINDOW_MS = 30_000
/** A gateway that has not answered by then is given up on; the mail waits all the same. */
const POKE_TIMEOUT_MS = 10_000

/** no-token: they gave us none (or withdrew it); throttled: poked within the window; failed: the gateway refused or was unreachable. */
export type PokeResult = PokeOutcome | 'no-token' | 'throttled' | 'failed'

export interface PushPokerInit {
  poke?: (gatewayOrigin: string, token: string, options: { signal?: AbortSignal }) => Promise<PokeOutcome>
  now?: () => number
  windowMs?: number
  /** Told about a failed poke (for logs); never thrown. */
  onFailure?: (contactId: string, err: unknown) => void
}

export interface PushPoker {
  /** Never throws. */
  poke: (contact: StoredContact) => Promise<PokeResult>
}

export function createPushPoker (init: PushPokerInit = {}): PushPoker {
  const poke = init.poke ?? pokePushToken
  const now = init.now ?? Date.now
  const windowMs = init.windowMs ?? POKE_WINDOW_MS
  /** contact -> when we last poked them; entries past the window are dropped as we go. */
  const lastPoke = new Map<string, number>()

  return {
    async poke (contact) {
      const note = contact.push
      if (note == null || note.token === '' || note.gateway === '') return 'no-token'
      const at = now()
      for (const [id, t] of lastPoke) if (at - t >= windowMs) lastPoke.delete(id)
      if (lastPoke.has(contact.userId)) return 'throttled'
      lastPoke.set(contact.userId, at)
      try {
        return await poke(note.gateway, note.token, { signal: AbortSignal.timeout(POKE_TIMEOUT_MS) })
      } catch (err) {
        init.onFailure?.(contact.userId, err)
        return 'failed'
      }
    }
  }
}
