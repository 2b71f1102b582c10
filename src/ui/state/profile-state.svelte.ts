import type { Boot } from '../../app/boot.ts'
import type { Profile } from '../../app/profile.ts'

/** Who I am: name, ID and the invite link I hand out. */
export class ProfileState {
  readonly name: string
  readonly userId: string
  inviteLink = $state('')

  constructor (profile: Profile, private readonly boot: Boot) {
    this.name = profile.name
    this.userId = profile.userId
  }

  /** The invite names the relays in use, so it is made again once connected. */
  async refreshInvite (): Promise<void> {
    this.inviteLink = await this.boot.inviteLink()
  }
}
