import type { Boot } from '../../app/boot.ts'
import type { Profile } from '../../app/profile.ts'

/** Who I am: name, ID and the invite link I hand out. */
export class ProfileState {
  name = $state('')
  readonly userId: string
  inviteLink = $state('')

  constructor (private readonly profile: Profile, private readonly boot: Boot) {
    this.name = profile.name
    this.userId = profile.userId
  }

  /** A new display name: contacts learn it with our next message; the invite carries it at once. */
  async rename (name: string): Promise<void> {
    await this.profile.rename(name)
    this.name = this.profile.name
    if (this.inviteLink !== '') await this.refreshInvite()
  }

  /** The invite names the relays in use, so it is made again once connected. */
  async refreshInvite (): Promise<void> {
    this.inviteLink = await this.boot.inviteLink()
  }
}
