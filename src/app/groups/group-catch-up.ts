import {
  decodeGroupMessage, decodeSyncRequest, encodeGroupMessage, encodeSyncRequest, isMember, messagesAfter, syncHeads,
  MAX_SYNC_MESSAGES, type GroupHistory, type GroupMessage, type GroupState
} from '../../core/group/index.ts'
import type { GroupTransport } from '../../core/ports/index.ts'
import type { Logger } from '../../diagnostics/index.ts'

/** How many sync rounds one catch-up may take (each up to MAX_SYNC_MESSAGES messages). */
const MAX_SYNC_ROUNDS = 20
/**
 * A link that just came up may not carry gossip yet (the two sides still exchange their
 * subscriptions): a second catch-up this long after the first picks up what was sent then.
 */
export const LINK_SETTLE_MS = 3_000
/** How many linked members one periodic catch-up asks, per group. */
const CATCH_UP_FANOUT = 2

export interface CatchUpHost {
  readonly userId: string
  network: () => GroupTransport | undefined
  /** A group we are still in, with the history this tab holds of it. */
  group: (groupId: string) => { state: GroupState, history: GroupHistory } | undefined
  /** Every group we are still in. */
  groups: () => GroupState[]
  /** Adds what a member sent us (judged, ordered and stored as any gossip is). */
  ingest: (groupId: string, messages: GroupMessage[]) => Promise<void>
  logger: Logger
}

/**
 * Group catch-up over `/murmur/sync/1.0.0` (docs/ARCHITECTURE.md, Groups): we send our heads, a member
 * answers with what we lack. Asked when a link to a member comes up (and again once gossip
 * runs on it), when a message names parents we lack, and every little while of a few
 * members at random: gossip can lose a message nothing later names (the last of a burst),
 * and only asking finds it.
 */
export class GroupCatchUp {
  private readonly running = new Map<string, Promise<void>>()

  constructor (private readonly host: CatchUpHost) {}

  /** What `userId` lacks of a group they are in; nothing for anyone else. */
  answer (userId: string, request: Uint8Array): Uint8Array[] {
    let groupId: string
    let theirHeads: readonly string[]
    try {
      ({ groupId, heads: theirHeads } = decodeSyncRequest(request))
    } catch {
      return []
    }
    const group = this.host.group(groupId)
    if (group == null || !isMember(group.state, userId)) return []
    return messagesAfter(group.history, theirHeads).map(encodeGroupMessage)
  }

  /** A link to `userId` came up: catch up on every group we share, now and once gossip has settled on it. */
  memberOnline (userId: string): void {
    const catchUp = (): void => {
      for (const state of this.host.groups()) if (isMember(state, userId)) void this.with(state.groupId, userId)
    }
    catchUp()
    setTimeout(catchUp, LINK_SETTLE_MS)
  }

  /** The periodic round: each group asks a few linked members, chosen at random. */
  round (): void {
    const network = this.host.network()
    if (network == null) return
    for (const state of this.host.groups()) {
      const linked = state.members.map((m) => m.userId).filter((id) => id !== this.host.userId && network.isLinked(id))
      for (const userId of shuffled(linked).slice(0, CATCH_UP_FANOUT)) void this.with(state.groupId, userId)
    }
  }

  /** Asks one member for what we lack, round after round, one catch-up per (group, member) at a time. */
  async with (groupId: string, userId: string): Promise<void> {
    const network = this.host.network()
    if (userId === this.host.userId || network == null || !network.isLinked(userId)) return
    const key = `${groupId} ${userId}`
    const running = this.running.get(key)
    if (running != null) return running
    const run = (async () => {
      for (let round = 0; round < MAX_SYNC_ROUNDS; round++) {
        const group = this.host.group(groupId)
        if (group == null) return
        const frames = await network.sync(userId, encodeSyncRequest({ groupId, heads: syncHeads(group.history) })).catch((err: unknown) => {
          this.host.logger('sync of group %s with %s failed', groupId, userId, err) // the next round asks again
          return []
        })
        const messages: GroupMessage[] = []
        for (const frame of frames) {
          try {
            messages.push(decodeGroupMessage(frame))
          } catch (err) {
            this.host.logger('%s sent a malformed message in sync', userId, err) // skipped; the rest are fine
          }
        }
        if (messages.length > 0) await this.host.ingest(groupId, messages)
        if (frames.length < MAX_SYNC_MESSAGES) return
      }
    })().finally(() => { this.running.delete(key) })
    this.running.set(key, run)
    return run
  }
}

function shuffled<T> (items: T[]): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}
