import type { Boot } from '../../app/boot.ts'
import type { Profile } from '../../app/profile.ts'
import type { InviteSummary } from '../../app/invites.ts'

/** Who I am: name, ID and the invite link I hand out. */
export class ProfileState {
  name = $state('')
  readonly userId: string
  inviteLink = $state('')
  /** Live invites, newest first (Settings, "Invites"). */
  invites = $state.raw<InviteSummary[]>([])
  private readonly profile: Profile

  constructor (profile: Profile, private readonly boot: Boot) {
    this.profile = profile
    this.name = profile.name
    this.userId = profile.userId
  }

  /** A new display name: contacts learn it with our next message; the invite carries it at once. */
  async rename (name: string): Promise<void> {
    await this.profile.rename(name)
    this.name = this.profile.name
    if (this.inviteLink !== '') await this.refreshInvite()
  }

  async loadInvites (): Promise<void> {
    this.invites = await this.profile.invites.list()
  }

  /** A new invite becomes the one the copied link carries; InviteLimitError past the cap. */
  async newInvite (): Promise<void> {
    await this.profile.invites.create()
    await this.loadInvites()
    await this.refreshInvite()
  }

  /** Revokes an invite: first messages through it are not read from now on. */
  async revokeInvite (id: string): Promise<void> {
    await this.profile.invites.revoke(id)
    await this.loadInvites()
    await this.refreshInvite()
  }

  /** The invite names the relays in use, so it is made again once connected. */
  async refreshInvite (): Promise<void> {
    this.inviteLink = await this.boot.inviteLink()
    this.invites = await this.profile.invites.list()
  }
}
