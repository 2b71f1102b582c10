import { ReasonedError } from '../core/errors.ts'
import { createIdentity, type Identity } from '../core/identity.ts'
import { encodeUserId } from '../core/user-id.ts'
import { normalizeDisplayName } from '../core/text-rules.ts'
import { encodeInvite, inviteLink } from '../core/invite.ts'
import { createDhIdentity } from '../core/x3dh/index.ts'
import type { PrekeyStore, ProfileStore, SettingStore, StoredProfile } from '../core/ports/index.ts'
import { Invites } from './invites.ts'
import { SessionCrypto } from './session-crypto.ts'
import { withLock } from './locks.ts'

export type ProfileErrorReason =
  | 'display-name' // empty, too long, or holding control or text-direction characters
  | 'exists' // this browser has a profile already
  | 'own-id' // adding oneself as a contact
  | 'not-contact' // a group member who is not a contact
  | 'no-contact' // no contact with that id
  | 'passphrase-mismatch' // the passphrase and its confirmation differ

/** The profile or its contacts refused a change; the UI words it by `reason` (src/ui/i18n/errors.ts). */
export class ProfileError extends ReasonedError<ProfileErrorReason> {
  override name = 'ProfileError'
}

/** Checks a display name before anything is created for it. */
export function assertDisplayName (name: string): string {
  const trimmed = normalizeDisplayName(name)
  if (trimmed === undefined) throw new ProfileError('display-name', 'A display name has 1 to 64 characters and no control or text-direction characters.')
  return trimmed
}

/** This browser's profile, if it has one. */
export async function loadProfile (store: ProfileStore): Promise<StoredProfile | undefined> {
  return withLock('murmur:profile', async () => store.loadProfile())
}

/** A new profile: identity, its X25519 key, a first signed prekey (invites come when first asked for). */
export async function createProfile (store: ProfileStore & PrekeyStore, name: string, now = Date.now()): Promise<StoredProfile> {
  const trimmed = assertDisplayName(name)
  if (await store.loadProfile() != null) throw new ProfileError('exists', 'This browser already has a profile.')
  const identity = createIdentity()
  const profile: StoredProfile = {
    ...identity, name: trimmed, createdAt: now, dh: createDhIdentity(identity)
  }
  await SessionCrypto.createPrekeys(store, identity, profile.dh, now)
  await store.saveProfile(profile)
  return profile
}

export interface ProfileComponents {
  record: StoredProfile
  crypto: SessionCrypto
  store: ProfileStore & SettingStore
}

/** Who this profile is, and the invite it hands out. */
export class Profile {
  readonly record: StoredProfile
  readonly identity: Identity
  readonly userId: string
  /** The invites we hand out, each with its own first-contact secret. */
  readonly invites: Invites
  private readonly crypto: SessionCrypto
  private readonly store: ProfileStore

  constructor (components: ProfileComponents) {
    this.record = components.record
    this.crypto = components.crypto
    this.store = components.store
    this.invites = new Invites(components.store)
    this.identity = { publicKey: this.record.publicKey, secretKey: this.record.secretKey }
    this.userId = encodeUserId(this.record.publicKey)
  }

  /** Our display name: every message we send carries it, so contacts learn a new one with our next message. */
  get name (): string { return this.record.name }

  /**
   * A new display name, stored, then used from the next message and invite on. The record
   * is the one the outbox and the groups read (the composition root hands out this object).
   */
  async rename (name: string): Promise<void> {
    const trimmed = assertDisplayName(name)
    await withLock('murmur:profile', async () => {
      const stored = await this.store.loadProfile()
      if (stored != null) await this.store.saveProfile({ ...stored, name: trimmed })
    })
    this.record.name = trimmed
  }

  /**
   * The link of the current invite (made now when none is live). It carries our signed
   * prekey, so a first message is encrypted even with an empty DHT, and the invite's own secret.
   */
  async inviteLink (origin: string, relays: string[], now: number = Date.now()): Promise<string> {
    const prekeyRecord = await this.crypto.currentPrekeyRecord()
    const invite = await this.invites.current(now)
    return inviteLink(origin, encodeInvite(this.identity, { name: this.name, relays, prekeyRecord, mailboxSecret: invite.secret }, now))
  }
}
