import {
  addInvite, currentInvite, liveInvites, revokeInvite, type InviteSecret
} from '../core/invite-secrets.ts'
import type { SettingStore } from '../core/ports/index.ts'
import { withLock } from './locks.ts'

/** Where the profile keeps its invites (src/core/invite-secrets.ts), sealed at rest like every setting. */
export const INVITES_SETTING = 'invites'

/** What Settings shows of an invite: never its secret. */
export interface InviteSummary {
  id: string
  createdAt: number
  expiresAt: number
}

const summary = (i: InviteSecret): InviteSummary => ({ id: i.id, createdAt: i.createdAt, expiresAt: i.expiresAt })

/** The secrets of the invites whose first-contact slots we read now. */
export async function liveInviteSecrets (store: SettingStore, now: number = Date.now()): Promise<InviteSecret[]> {
  return liveInvites(await store.loadSetting<InviteSecret[]>(INVITES_SETTING) ?? [], now)
}

/**
 * The profile's invites: made, listed and revoked under the Web Lock `murmur:invites`, so
 * two tabs never hand out different "current" invites or lose each other's revocation.
 */
export class Invites {
  constructor (private readonly store: SettingStore) {}

  async list (now: number = Date.now()): Promise<InviteSummary[]> {
    return (await liveInviteSecrets(this.store, now)).map(summary)
  }

  /** The invite a copied link carries: the newest live one, made now when there is none. */
  async current (now: number = Date.now()): Promise<InviteSecret> {
    return this.change(async (list) => {
      const found = currentInvite(list, now)
      return found != null ? { list, invite: found } : addInvite(list, now)
    })
  }

  /** A new invite, which becomes the current one; InviteLimitError when too many are live. */
  async create (now: number = Date.now()): Promise<InviteSummary> {
    return summary(await this.change(async (list) => addInvite(list, now)))
  }

  /** Revokes invite `id`: its slots are not read from the next drain on. */
  async revoke (id: string): Promise<void> {
    await this.change(async (list) => ({ list: revokeInvite(list, id), invite: undefined }))
  }

  private async change<T> (step: (list: InviteSecret[]) => Promise<{ list: InviteSecret[], invite: T }>): Promise<T> {
    return withLock('murmur:invites', async () => {
      const loaded = await this.store.loadSetting<InviteSecret[]>(INVITES_SETTING) ?? []
      const { list, invite } = await step(loaded)
      if (list !== loaded) await this.store.saveSetting(INVITES_SETTING, list)
      return invite
    })
  }
}
