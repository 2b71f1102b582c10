import { describe, expect, it } from 'vitest'
import { Messenger } from '../../../src/app/messenger.ts'
import { parseContactInput } from '../../../src/core/invite.ts'
import { MAX_LIVE_INVITES } from '../../../src/core/invite-secrets.ts'
import { mailboxSecretForFirstContact, slotEpoch, slotKeys, SLOTS_PER_EPOCH } from '../../../src/core/mailbox/slots.ts'
import { createMemoryMessengerStore } from '../../../src/store/memory-messenger-store.ts'
import { MemoryHub } from '../support/memory-network.ts'
import { eventually, settle, syncCrypto, useFakeTime } from '../support/fake-time.ts'

// Issue 15 item 6: each invite has its own first-contact secret, expiring and revocable, and
// two newcomers of one invite never overwrite each other's first messages.

const ORIGIN = 'http://127.0.0.1'

function secretOf (link: string): Uint8Array {
  const parsed = parseContactInput(link)
  if (parsed.kind !== 'invite' || parsed.invite.mailboxSecret == null) throw new Error('no invite secret')
  return parsed.invite.mailboxSecret
}

async function people (...names: string[]) {
  const hub = new MemoryHub()
  const all = []
  for (const name of names) {
    const m = await Messenger.create(createMemoryMessengerStore(), name, syncCrypto)
    await m.attachNetwork(hub.join(m, { links: false }))
    all.push(m)
  }
  return { hub, all }
}

describe('invites', { timeout: 30_000 }, () => {
  useFakeTime()

  it('a copied link is the current invite until a new one is made; each invite has its own secret, and invite A gives none of invite B\'s slots', async () => {
    const { all: [bob] } = await people('Bob')
    const a = await bob!.profile.inviteLink(ORIGIN, [])
    expect(secretOf(await bob!.profile.inviteLink(ORIGIN, []))).toEqual(secretOf(a))
    await bob!.profile.invites.create()
    const b = await bob!.profile.inviteLink(ORIGIN, [])
    expect(secretOf(b)).not.toEqual(secretOf(a))
    const epoch = slotEpoch()
    const slotsOf = (link: string): string[] =>
      slotKeys(mailboxSecretForFirstContact(secretOf(link), bob!.identity.publicKey), bob!.identity.publicKey, epoch, SLOTS_PER_EPOCH, 'claimed').map(String)
    const ofA = new Set(slotsOf(a))
    expect(slotsOf(b).filter((k) => ofA.has(k))).toEqual([])
    expect((await bob!.profile.invites.list()).length).toBe(2)
  })

  it(`keeps at most ${MAX_LIVE_INVITES} live invites, with a clear error; revoking one makes room`, async () => {
    const { all: [bob] } = await people('Bob')
    for (let i = 0; i < MAX_LIVE_INVITES; i++) await bob!.profile.invites.create()
    await expect(bob!.profile.invites.create()).rejects.toMatchObject({ name: 'InviteLimitError', message: expect.stringContaining('Revoke one') })
    const [first] = await bob!.profile.invites.list()
    await bob!.profile.invites.revoke(first!.id)
    expect((await bob!.profile.invites.list()).map((i) => i.id)).not.toContain(first!.id)
    await bob!.profile.invites.create()
    expect((await bob!.profile.invites.list()).length).toBe(MAX_LIVE_INVITES)
  })

  it('two newcomers writing first messages through one invite on the same day are both read', async () => {
    const { all: [bob, ann, carol] } = await people('Bob', 'Ann', 'Carol')
    const link = await bob!.profile.inviteLink(ORIGIN, [])
    await ann!.contacts.add(link)
    await carol!.contacts.add(link)
    await ann!.conversations.send(bob!.userId, 'hello from Ann')
    await settle()
    await carol!.conversations.send(bob!.userId, 'hello from Carol')
    await settle()
    await eventually(async () => (await carol!.conversations.messages(bob!.userId)).map((m) => m.state)).toEqual(['stored'])
    expect((await bob!.duties.drainMailboxes()).received).toBe(2)
    await settle()
    expect((await bob!.conversations.messages(ann!.userId)).map((m) => m.text)).toEqual(['hello from Ann'])
    expect((await bob!.conversations.messages(carol!.userId)).map((m) => m.text)).toEqual(['hello from Carol'])
  })

  it('a revoked invite\'s slots are not read; a fresh invite\'s are', async () => {
    const { all: [bob, ann, carol] } = await people('Bob', 'Ann', 'Carol')
    const old = await bob!.profile.inviteLink(ORIGIN, [])
    const [revoked] = await bob!.profile.invites.list()
    await bob!.profile.invites.revoke(revoked!.id)
    const fresh = await bob!.profile.inviteLink(ORIGIN, [])
    expect(secretOf(fresh)).not.toEqual(secretOf(old))
    await ann!.contacts.add(old)
    await carol!.contacts.add(fresh)
    await ann!.conversations.send(bob!.userId, 'through the revoked invite')
    await carol!.conversations.send(bob!.userId, 'through the fresh invite')
    await settle()
    // Both wait in a mailbox: the revoked one in slots Bob no longer reads.
    await eventually(async () => (await ann!.conversations.messages(bob!.userId)).map((m) => m.state)).toEqual(['stored'])
    await eventually(async () => (await carol!.conversations.messages(bob!.userId)).map((m) => m.state)).toEqual(['stored'])
    expect((await bob!.duties.drainMailboxes()).received).toBe(1)
    await settle()
    // A newcomer's first message is a message request: Carol's is there, Ann's never arrived.
    expect((await bob!.requests.list()).map((c) => c.name)).toEqual(['Carol'])
    expect(await bob!.contacts.list()).toEqual([])
  })

  it('an invite stops being read when it expires', async () => {
    const { all: [bob] } = await people('Bob')
    const now = Date.now()
    await bob!.profile.invites.create(now)
    expect(await bob!.profile.invites.list(now + 29 * 24 * 3600_000)).toHaveLength(1)
    expect(await bob!.profile.invites.list(now + 30 * 24 * 3600_000)).toHaveLength(0)
  })
})
