import { equals } from 'uint8arrays'
import { randomBytes } from '../crypto/index.ts'
import type { Identity } from '../core/identity.ts'
import { decryptFromContactAsync, encryptForContact, SessionError, type ContactSessions, type DecryptResult, type OwnSessionKeys } from '../core/session/index.ts'
import { INITIAL_TAG } from '../core/session/payload.ts'
import {
  createSignedPrekey, decodePrekeyBundle, decodeReplayCache, emptyReplayCache, encodeReplayCache, entriesFor, nextPrekeyId,
  prekeyNeedsRotation, PREKEY_ID_MAX, retiredPrekeysToDrop, forgetPrekey, type PrekeyBundle, type ReplayCache
} from '../core/x3dh/index.ts'
import type { Logger } from '../diagnostics/index.ts'
import { withLock } from './locks.ts'
import { SessionStartLimiter } from './session-start-limiter.ts'
import type { PrekeyStore, SessionStore, StoredContact, StoredMessage, StoredPrekeys, StoredProfile } from '../core/ports/index.ts'

const REPLAY_LOCK = 'murmur:replay-cache'

/** The contact's key changed and was not accepted yet: nothing is sealed for them until it is. */
export class KeyChangedError extends Error {
  override name = 'KeyChangedError'
  /** Whose key changed, for the sentence the UI writes. */
  readonly contactName: string
  constructor (contactName: string) {
    super(`${contactName}'s security key changed. Compare safety numbers and accept the new key before writing.`)
    this.contactName = contactName
  }
}

/** One payload of a batch: what it opened to, or why it did not open. */
export type OpenedPayload =
  | { ok: true, plaintext: Uint8Array, theirDhIdentityKey: Uint8Array }
  | { ok: false, error: unknown }

export interface OpenedBatch {
  /** In the order the payloads were given. */
  results: OpenedPayload[]
  /**
   * Commits every receiving step of the batch together with what the plaintexts became, in
   * one transaction; returns the messages that were new. Throws, and stores nothing, if the
   * transaction fails: the payloads can then be opened again from the old state.
   */
  commit: (extra: { contact?: StoredContact, messages?: StoredMessage[] }) => Promise<StoredMessage[]>
}

export interface SessionCryptoHooks {
  /** Our signed prekey was replaced (weekly, or early when its replay cache share filled): publish it now. */
  prekeyRotated?: (record: Uint8Array) => void
  log?: Logger
}

/** Where a payload came from, when the transport knows: a link's remote PeerId. */
export interface PayloadOrigin {
  peerId: string
}

/**
 * How a payload from a contact is opened: decryptFromContactAsync (the ratchet's X25519 on
 * WebCrypto where the platform has it) or decryptFromContact (the same steps on noble,
 * synchronously); test/unit/core/session/async.test.ts shows they give the same results.
 */
export type OpenPayload = (...args: Parameters<typeof decryptFromContactAsync>) => DecryptResult | Promise<DecryptResult>

export interface SessionCryptoInit {
  now?: () => number
  /**
   * decryptFromContactAsync unless given. Tests on fake timers pass decryptFromContact:
   * WebCrypto completes on the real event loop, which advancing fake time does not wait for.
   */
  decrypt?: OpenPayload
}

/**
 * End-to-end encryption for the messenger: our prekeys, and one Double Ratchet session set
 * per contact, each step committed before its result is used and serialized by a lock per
 * contact (across tabs too).
 */
export class SessionCrypto {
  /** Our keys, read once: prekeys change weekly, messages arrive all the time. */
  private keys: OwnSessionKeys | undefined
  private readonly now: () => number
  private readonly decryptPayload: OpenPayload
  private readonly hooks: SessionCryptoHooks
  /** The replay cache as last read or written, so a flood of starts does not decode it each time. */
  private replayMemo: { bytes: Uint8Array, cache: ReplayCache } | undefined
  private readonly starts = new SessionStartLimiter()
  /** A commit grew the replay cache: whether the prekey must rotate is asked once the locks are free. */
  private rotationDue = false

  constructor (
    private readonly store: PrekeyStore & SessionStore,
    private readonly profile: StoredProfile,
    init: SessionCryptoInit & SessionCryptoHooks = {}
  ) {
    this.now = init.now ?? Date.now
    this.decryptPayload = init.decrypt ?? decryptFromContactAsync
    this.hooks = init
  }

  /** A fresh profile's first signed prekey. */
  static async createPrekeys (store: PrekeyStore, identity: Identity, dh: StoredProfile['dh'], now = Date.now()): Promise<StoredPrekeys> {
    const prekeyId = new DataView(randomBytes(4).buffer).getUint32(0) % PREKEY_ID_MAX
    const made = createSignedPrekey(identity, dh, prekeyId, now)
    const prekeys: StoredPrekeys = { current: { prekeyId, secretKey: made.secretKey, record: made.record, createdAt: now }, retired: [] }
    await store.savePrekeys(prekeys)
    return prekeys
  }

  /**
   * Rotates the signed prekey weekly, or early when its share of the replay cache fills, and
   * drops retired ones after their grace period. A rotation is handed to `prekeyRotated`.
   */
  async currentPrekeyRecord (): Promise<Uint8Array> {
    const { record, rotated } = await withLock('murmur:prekeys', async () => this.refreshPrekeys())
    if (rotated) this.hooks.prekeyRotated?.(record)
    return record
  }

  private async refreshPrekeys (): Promise<{ record: Uint8Array, rotated: boolean }> {
    const now = this.now()
    let prekeys = await this.store.loadPrekeys() ?? await SessionCrypto.createPrekeys(this.store, this.identity, this.profile.dh, now)
    const drop = new Set(retiredPrekeysToDrop(prekeys.retired, now))
    const rotate = prekeyNeedsRotation(prekeys.current, now, entriesFor(await this.replayCache(), prekeys.current.prekeyId))
    if (!rotate && drop.size === 0) return { record: prekeys.current.record, rotated: false }
    const retired = prekeys.retired.filter((r) => !drop.has(r.prekeyId))
    let current = prekeys.current
    if (rotate) {
      retired.push({ prekeyId: current.prekeyId, secretKey: current.secretKey, retiredAt: now })
      const prekeyId = nextPrekeyId(current.prekeyId)
      const made = createSignedPrekey(this.identity, this.profile.dh, prekeyId, now)
      current = { prekeyId, secretKey: made.secretKey, record: made.record, createdAt: now }
    }
    prekeys = { current, retired }
    await this.store.savePrekeys(prekeys)
    this.keys = undefined
    if (drop.size > 0) {
      // Initial messages to a dropped prekey cannot be read any more: forget their replay entries.
      await withLock(REPLAY_LOCK, async () => {
        let cache = await this.replayCache()
        for (const id of drop) cache = forgetPrekey(cache, id)
        await this.saveReplayCache(cache)
      })
    }
    return { record: current.record, rotated: rotate }
  }

  /**
   * Encrypts for a contact and stores the session step before returning the payload.
   * `findBundle` is asked only when there is no session yet and the contact's own record
   * (from its invite) is missing or expired.
   */
  async seal (contact: StoredContact, plaintext: Uint8Array, findBundle: () => Promise<Uint8Array | undefined>): Promise<Uint8Array> {
    if (contact.changedDhIdentityKey != null) {
      throw new KeyChangedError(contact.name)
    }
    return withLock(`murmur:session:${contact.userId}`, async () => {
      const sessions = await this.store.loadSessions(contact.userId)
      let bundle: PrekeyBundle | undefined
      if (sessions == null || sessions.entries.length === 0) {
        bundle = this.readBundle(contact, contact.prekeyRecord) ?? this.readBundle(contact, await findBundle())
        if (bundle != null && contact.dhIdentityKey != null && !equals(bundle.dhIdentityKey, contact.dhIdentityKey)) {
          throw new KeyChangedError(contact.name)
        }
      }
      const out = encryptForContact(sessions, bundle, await this.ownKeys(), plaintext, this.now())
      await this.store.saveSessions(contact.userId, out.sessions)
      return out.payload
    })
  }

  /**
   * Decrypts payloads from `contactId` in order under its lock, each ratchet step starting
   * from the state the one before left, and hands back a commit that stores the final state
   * with the messages in one transaction. A payload that does not open is reported and
   * leaves the state as it was for the next one. Nothing is stored before `commit`.
   * `via`: the link's PeerId, which may start sessions for a few identities only.
   */
  async openAll<T> (contactId: string, theirIdentityKey: Uint8Array, payloads: Uint8Array[], use: (batch: OpenedBatch) => Promise<T>, via?: PayloadOrigin): Promise<T> {
    // A session start reads and writes the one replay cache all contacts share, so it also
    // takes that cache's lock (always inside a contact's lock, never around one).
    const hasStart = payloads.some((p) => p[0] === INITIAL_TAG)
    const result = await withLock(`murmur:session:${contactId}`, async () => hasStart
      ? withLock(REPLAY_LOCK, async () => this.openLocked(contactId, theirIdentityKey, payloads, hasStart, use, via))
      : this.openLocked(contactId, theirIdentityKey, payloads, hasStart, use, via))
    if (this.rotationDue) {
      this.rotationDue = false
      // What was received is stored already: a failure here is logged, and the next growth or start tries again.
      await this.currentPrekeyRecord().catch((err: unknown) => { this.hooks.log?.error('rotating the prekey early failed', err) })
    }
    return result
  }

  private async openLocked<T> (contactId: string, theirIdentityKey: Uint8Array, payloads: Uint8Array[], hasStart: boolean, use: (batch: OpenedBatch) => Promise<T>, via: PayloadOrigin | undefined): Promise<T> {
    let sessions = await this.store.loadSessions(contactId)
    // Only a session start consults the replay cache: skip reading it for the rest.
    const before = hasStart ? await this.replayCache() : emptyReplayCache()
    let replayCache = before
    const results: OpenedPayload[] = []
    let stepped = false
    for (const payload of payloads) {
      if (via != null && payload[0] === INITIAL_TAG && !this.starts.admit(via.peerId, contactId)) {
        results.push({ ok: false, error: new SessionError('peer-quota', 'One connection started sessions for too many identities; this one was dropped.') })
        continue
      }
      try {
        const result = await this.decrypt(sessions, theirIdentityKey, replayCache, payload)
        sessions = result.sessions
        replayCache = result.replayCache
        stepped = true
        results.push({ ok: true, plaintext: result.plaintext, theirDhIdentityKey: result.theirDhIdentityKey })
      } catch (error) {
        results.push({ ok: false, error })
      }
    }
    return use({
      results,
      commit: async (extra) => {
        if (!stepped || sessions == null) return []
        const encoded = replayCache !== before ? encodeReplayCache(replayCache) : undefined
        const added = await this.store.commitReceived({ contactId, sessions, replayCache: encoded, ...extra })
        if (encoded != null) {
          this.replayMemo = { bytes: encoded, cache: replayCache }
          this.rotationDue = true
        }
        return added
      }
    })
  }

  private async decrypt (sessions: ContactSessions | undefined, theirIdentityKey: Uint8Array, replayCache: ReplayCache, payload: Uint8Array) {
    try {
      return await this.decryptPayload(sessions, theirIdentityKey, await this.ownKeys(), replayCache, payload, this.now())
    } catch (err) {
      if (!(err instanceof SessionError && err.reason === 'unknown-prekey') || this.keys == null) throw err
      // Another tab may have rotated our prekey since we read it: read again, once.
      this.keys = undefined
      return await this.decryptPayload(sessions, theirIdentityKey, await this.ownKeys(), replayCache, payload, this.now())
    }
  }

  private get identity (): Identity {
    return { publicKey: this.profile.publicKey, secretKey: this.profile.secretKey }
  }

  private readBundle (contact: StoredContact, record: Uint8Array | undefined): PrekeyBundle | undefined {
    if (record == null) return undefined
    try {
      const bundle = decodePrekeyBundle(record, this.now())
      return equals(bundle.identityKey, contact.publicKey) ? bundle : undefined
    } catch {
      return undefined // expired or damaged: look in the DHT instead
    }
  }

  private async replayCache (): Promise<ReplayCache> {
    const bytes = await this.store.loadReplayCache()
    if (bytes == null) return emptyReplayCache()
    if (this.replayMemo != null && equals(this.replayMemo.bytes, bytes)) return this.replayMemo.cache
    const cache = decodeReplayCache(bytes)
    this.replayMemo = { bytes, cache }
    return cache
  }

  private async saveReplayCache (cache: ReplayCache): Promise<void> {
    const bytes = encodeReplayCache(cache)
    await this.store.saveReplayCache(bytes)
    this.replayMemo = { bytes, cache }
  }

  private async ownKeys (): Promise<OwnSessionKeys> {
    this.keys ??= await this.readOwnKeys()
    return this.keys
  }

  private async readOwnKeys (): Promise<OwnSessionKeys> {
    const prekeys = await this.store.loadPrekeys()
    const map = new Map<number, Uint8Array>()
    for (const r of prekeys?.retired ?? []) map.set(r.prekeyId, r.secretKey)
    if (prekeys != null) map.set(prekeys.current.prekeyId, prekeys.current.secretKey)
    return { identity: this.identity, dh: this.profile.dh, prekeys: map }
  }
}
