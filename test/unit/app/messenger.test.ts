import { describe, expect, it, vi } from 'vitest'
import { Messenger } from '../../../src/app/messenger.ts'
import type { MessengerChange } from '../../../src/app/change-bus.ts'
import { Diagnostics } from '../../../src/diagnostics/index.ts'
import type { MessengerStore } from '../../../src/core/ports/index.ts'
import { decodeEnvelope } from '../../../src/core/envelope.ts'
import { parseContactInput } from '../../../src/core/invite.ts'
import { encodeUserId } from '../../../src/core/user-id.ts'
import { createMemoryMessengerStore } from '../../../src/store/memory-messenger-store.ts'
import { SessionCrypto } from '../../../src/app/session-crypto.ts'
import { createDhIdentity } from '../../../src/core/x3dh/index.ts'
import { decodeMailboxRecord } from '../../../src/core/mailbox/record.ts'
import { toString } from 'uint8arrays'
import { PUSH_REGISTRATION_SETTING, type StoredPushRegistration } from '../../../src/app/push/push-client.ts'
import { MemoryHub } from '../support/memory-network.ts'
import { eventually, settle, syncCrypto, useFakeTime } from '../support/fake-time.ts'
import { RECEIPT_WAIT_INITIAL_MS } from '../../../src/core/rtt-estimator.ts'

/**
 * The messenger's own rules, end-to-end encryption included, with the libp2p half replaced
 * by the in-memory network (test/unit/support/memory-network.ts): Ann and Bob are online,
 * their links down until a test brings them up, and the DHT holds their prekey records and
 * one holder for every mailbox slot.
 */
async function pair (bobStore: MessengerStore = createMemoryMessengerStore()) {
  const hub = new MemoryHub()
  const ann = await Messenger.create(createMemoryMessengerStore(), 'Ann', syncCrypto)
  const bobDiagnostics = new Diagnostics()
  const bob = await Messenger.create(bobStore, 'Bob', { ...syncCrypto, logger: bobDiagnostics })
  const annWire = hub.join(ann, { links: false })
  const bobWire = hub.join(bob, { links: false })
  await ann.attachNetwork(annWire)
  await bob.attachNetwork(bobWire)
  await ann.contacts.add(bob.userId)
  return { hub, ann, bob, annWire, bobWire, mailboxes: hub.mailboxes, bobStore, bobDiagnostics }
}

/** Every entry id held in the mailboxes, by slot: what a holder would see. */
function heldEntries (mailboxes: Map<string, Uint8Array>): number {
  return [...mailboxes.values()].reduce((n, record) => n + decodeMailboxRecord(record).entries.length, 0)
}

describe('Messenger', { timeout: 30_000 }, () => {
  useFakeTime()

  it('stores a message as pending before anything is sent, and sends it encrypted when a link comes up', async () => {
    const { ann, bob, annWire, bobWire } = await pair()
    const message = await ann.conversations.send(bob.userId, '  hello  ')
    await settle()
    expect(message.text).toBe('hello')
    await eventually(async () => (await ann.conversations.messages(bob.userId)).map((m) => m.state)).toEqual(['pending'])

    annWire.linksUp = bobWire.linksUp = true
    ann.onLinkUp(bob.userId)
    await eventually(async () => (await ann.conversations.messages(bob.userId)).map((m) => m.state)).toEqual(['delivered'])
    // Bob had never heard of Ann: her first message is a message request, named as she wrote,
    // not a contact until he accepts it; accepting keeps what she wrote.
    expect((await bob.requests.list()).map((c) => c.name)).toEqual(['Ann'])
    expect(await bob.contacts.list()).toEqual([])
    await eventually(async () => (await bob.conversations.messages(ann.userId)).map((m) => m.text)).toEqual(['hello'])
    await bob.requests.accept(ann.userId)
    expect((await bob.contacts.list()).map((c) => c.name)).toEqual(['Ann'])
    expect(await bob.requests.list()).toEqual([])
    expect((await bob.conversations.messages(ann.userId)).map((m) => m.text)).toEqual(['hello'])
    // Nothing on the wire holds the text.
    const wire = new TextDecoder('latin1').decode(Uint8Array.from(annWire.frames.flatMap((f) => [...f])))
    expect(wire).not.toContain('hello')
  })

  it('a blocked person\'s messages are dropped on arrival: not stored, not acknowledged, not shown', async () => {
    const { ann, bob, annWire, bobWire } = await pair()
    annWire.linksUp = bobWire.linksUp = true
    await bob.requests.block(ann.userId)
    await ann.conversations.send(bob.userId, 'let me in')
    await settle()
    await settle()
    expect(await bob.requests.list()).toEqual([])
    expect(await bob.conversations.messages(ann.userId)).toEqual([])
    expect((await ann.conversations.messages(bob.userId)).map((m) => m.state)).not.toContain('delivered')
  })

  it('a replayed frame is not shown twice', async () => {
    const { ann, bob, annWire, bobWire } = await pair()
    annWire.linksUp = bobWire.linksUp = true
    await ann.conversations.send(bob.userId, 'once')
    await settle()
    for (const frame of annWire.frames) {
      const envelope = decodeEnvelope(frame)
      if (envelope.kind === 'sealed') bob.onEnvelope(envelope)
    }
    await settle()
    await eventually(async () => (await bob.conversations.messages(ann.userId)).map((m) => m.text)).toEqual(['once'])
  })

  it('resends a sent message without a receipt when the link comes back, and the receiver keeps one copy', async () => {
    const { ann, bob, annWire, bobWire } = await pair()
    annWire.linksUp = true
    bobWire.linksUp = false // Bob's receipts are lost
    await ann.conversations.send(bob.userId, 'in flight')
    await settle()
    await eventually(async () => (await ann.conversations.messages(bob.userId)).map((m) => m.state)).toEqual(['sent'])
    bobWire.linksUp = true
    ann.onLinkUp(bob.userId)
    await settle()
    await eventually(async () => (await ann.conversations.messages(bob.userId)).map((m) => m.state)).toEqual(['delivered'])
    await eventually(async () => (await bob.conversations.messages(ann.userId)).map((m) => m.text)).toEqual(['in flight'])
  })

  it('a link that brings no receipt in time: everything on it goes to the mailbox in one write, and what follows at once', async () => {
    const { ann, bob, annWire, bobWire, mailboxes } = await pair()
    await ann.contacts.add(await bob.profile.inviteLink('http://127.0.0.1', []))
    annWire.linksUp = true
    bobWire.linksUp = false // Bob's end is gone: Ann's frames leave, nothing comes back
    const states = async (): Promise<string[]> => (await ann.conversations.messages(bob.userId)).map((m) => `${m.text}:${m.state}`)
    for (const text of ['one', 'two', 'three']) await ann.conversations.send(bob.userId, text)
    await settle()
    expect(await states()).toEqual(['one:sent', 'two:sent', 'three:sent'])
    const heldBefore = heldEntries(mailboxes)
    // The first wait runs out: all three are unconfirmed (one ordered link), not only the first.
    await vi.advanceTimersByTimeAsync(RECEIPT_WAIT_INITIAL_MS)
    await eventually(states).toEqual(['one:stored', 'two:stored', 'three:stored'])
    expect(heldEntries(mailboxes) - heldBefore).toBe(3)
    expect(annWire.checked).toEqual([bob.userId])
    // The link is suspect now: the next message goes to the mailbox too, without another wait.
    await ann.conversations.send(bob.userId, 'four')
    await settle()
    expect((await states()).at(-1)).toBe('four:stored')
    // A receipt on the link restores trust: Bob's end answers again.
    bobWire.linksUp = true
    await ann.conversations.send(bob.userId, 'five')
    await eventually(async () => (await states()).at(-1)).toBe('five:delivered')
    await ann.conversations.send(bob.userId, 'six')
    await settle()
    expect((await states()).at(-1)).toMatch(/^six:(sent|delivered)$/)
  })

  it('both write first at the same time and every message arrives both ways', async () => {
    const { ann, bob, annWire, bobWire } = await pair()
    await bob.contacts.add(ann.userId)
    await ann.conversations.send(bob.userId, 'from ann')
    await bob.conversations.send(ann.userId, 'from bob')
    annWire.linksUp = bobWire.linksUp = true
    ann.onLinkUp(bob.userId)
    bob.onLinkUp(ann.userId)
    await settle()
    for (let i = 0; i < 3; i++) {
      await ann.conversations.send(bob.userId, `ann ${i}`)
      await bob.conversations.send(ann.userId, `bob ${i}`)
      await settle()
    }
    expect((await bob.conversations.messages(ann.userId)).filter((m) => m.direction === 'in').map((m) => m.text)).toEqual(['from ann', 'ann 0', 'ann 1', 'ann 2'])
    expect((await ann.conversations.messages(bob.userId)).filter((m) => m.direction === 'in').map((m) => m.text)).toEqual(['from bob', 'bob 0', 'bob 1', 'bob 2'])
    await eventually(async () => (await ann.conversations.messages(bob.userId)).every((m) => m.direction === 'in' || m.state === 'delivered')).toBe(true)
  })

  it('refuses empty, oversized and unaddressed messages and stores nothing', async () => {
    const { ann, bob } = await pair()
    await expect(ann.conversations.send(bob.userId, '   ')).rejects.toMatchObject({ name: 'SendError' })
    await expect(ann.conversations.send(bob.userId, 'x'.repeat(4001))).rejects.toMatchObject({ name: 'SendError' })
    await expect(ann.conversations.send('mmnobody', 'hi')).rejects.toMatchObject({ name: 'SendError' })
    await expect(ann.conversations.send(bob.userId, 'broken \ud800 surrogate')).rejects.toMatchObject({ name: 'SendError' })
    expect(await ann.conversations.messages(bob.userId)).toEqual([])
  })

  it('refuses bad contact input and its own id, changing nothing', async () => {
    const { ann, bob } = await pair()
    const before = await ann.contacts.list()
    await expect(ann.contacts.add('not an id')).rejects.toMatchObject({ name: 'InvalidContactInputError' })
    await expect(ann.contacts.add(ann.userId)).rejects.toMatchObject({ name: 'ProfileError' })
    expect(await ann.contacts.list()).toEqual(before)
    expect(before.map((c) => c.userId)).toEqual([bob.userId])
  })

  it('adds a contact from an invite link with its name, relays and prekey, and keeps one profile per store', async () => {
    const store = createMemoryMessengerStore()
    const ann = await Messenger.create(store, 'Ann')
    const carol = await Messenger.create(createMemoryMessengerStore(), 'Carol')
    const link = await carol.profile.inviteLink('http://127.0.0.1:8080', ['/ip4/127.0.0.1/tcp/9/ws'])
    const contact = await ann.contacts.add(link)
    expect(contact).toMatchObject({ userId: encodeUserId(carol.identity.publicKey), name: 'Carol', relays: ['/ip4/127.0.0.1/tcp/9/ws'] })
    expect(contact.prekeyRecord?.length).toBeGreaterThan(100)
    await expect(Messenger.create(store, 'Again')).rejects.toMatchObject({ name: 'ProfileError' })
    await expect(Messenger.create(createMemoryMessengerStore(), 'Eve\u202e')).rejects.toMatchObject({ name: 'ProfileError' })
    expect((await Messenger.load(store))?.userId).toBe(ann.userId)
  })

  it('a changed key agreement key is never taken silently: sending stops until the person accepts it', async () => {
    const { hub, ann, bob, annWire, bobWire } = await pair()
    annWire.linksUp = bobWire.linksUp = true
    await ann.conversations.send(bob.userId, 'hello')
    await settle()
    await eventually(async () => (await ann.conversations.messages(bob.userId)).map((m) => m.state)).toEqual(['delivered'])

    // Bob reinstalls with the same identity key but new key agreement keys (or someone who
    // holds his identity key tries to sit in the middle): his next message starts a new session.
    const bobStore = createMemoryMessengerStore()
    const dh = createDhIdentity(bob.identity)
    await bobStore.saveProfile({ ...bob.identity, name: 'Bob', createdAt: 1, dh })
    await SessionCrypto.createPrekeys(bobStore, bob.identity, dh)
    const reborn = (await Messenger.load(bobStore, syncCrypto))!
    // The reinstalled tab answers for Bob's identity from now on.
    await reborn.attachNetwork(hub.join(reborn))
    await reborn.contacts.add(await ann.profile.inviteLink('http://127.0.0.1', []))
    await reborn.conversations.send(ann.userId, 'it is me, new keys')
    await settle()

    const contact = (await ann.contacts.list())[0]!
    expect(contact.changedDhIdentityKey).toBeDefined()
    expect((await ann.conversations.messages(bob.userId)).map((m) => m.text)).toContain('it is me, new keys')
    await expect(ann.conversations.send(bob.userId, 'are you really Bob?')).rejects.toMatchObject({ name: 'SendError' })
    await ann.contacts.acceptKeyChange(bob.userId)
    const accepted = (await ann.contacts.list())[0]!
    expect(accepted.changedDhIdentityKey).toBeUndefined()
    expect(accepted.verified).toBe(false)
    await ann.conversations.send(bob.userId, 'welcome back')
    await settle()
    expect((await reborn.conversations.messages(ann.userId)).map((m) => m.text)).toContain('welcome back')
  })

  it('a contact added from an invite gets messages while away: they wait in the mailbox, arrive once and in order, and receipts withdraw them', async () => {
    const { ann, bob, annWire, mailboxes } = await pair()
    await ann.contacts.add(await bob.profile.inviteLink('http://127.0.0.1', []))
    for (const text of ['one', 'two', 'three']) await ann.conversations.send(bob.userId, text)
    await settle()
    // Bob is offline (no link): each message went to his first-contact slots at once.
    await eventually(async () => (await ann.conversations.messages(bob.userId)).map((m) => [m.state, m.holders])).toEqual([['stored', 1], ['stored', 1], ['stored', 1]])
    const sent = await ann.conversations.messages(bob.userId)
    expect(heldEntries(mailboxes)).toBe(3)
    // Nothing a holder keeps shows the text or either person's id.
    const held = new TextDecoder('latin1').decode(Uint8Array.from([...mailboxes.values()].flatMap((r) => [...r])))
    for (const secret of ['one', 'two', 'three', 'Ann', 'Bob']) expect(held).not.toContain(secret)
    for (const key of [ann.identity.publicKey, bob.identity.publicKey]) expect(held).not.toContain(new TextDecoder('latin1').decode(key))

    // Bob comes back and drains: all three, once, in order; twice changes nothing.
    expect((await bob.duties.drainMailboxes()).received).toBe(3)
    await bob.duties.drainMailboxes()
    await settle()
    await eventually(async () => (await bob.conversations.messages(ann.userId)).map((m) => m.text)).toEqual(['one', 'two', 'three'])
    // Ann is offline too, so Bob's receipts (sent when the batch closed, within settle) wait
    // in the pair's slots; Ann reads them.
    expect(annWire.linksUp).toBe(false)
    await ann.duties.drainMailboxes()
    expect((await ann.conversations.messages(bob.userId)).map((m) => m.state)).toEqual(['delivered', 'delivered', 'delivered'])
    // Her records are tombstones now: holders drop the messages.
    await settle()
    const annEntries = (): number => [...mailboxes.values()]
      .flatMap((r) => decodeMailboxRecord(r).entries)
      .filter((e) => sent.some((m) => m.id === toString(e.id, 'hex'))).length
    await eventually(annEntries).toBe(0)
    expect([...mailboxes.values()].some((r) => decodeMailboxRecord(r).entries.length === 0)).toBe(true)
  })

  it('a drain commits each slot\'s messages in one step; when that fails nothing is shown or acknowledged, and the next drain brings every one once, in order', async () => {
    const bobStore = createMemoryMessengerStore()
    const commit = bobStore.commitReceived
    const committed: number[] = []
    let failNext = false
    bobStore.commitReceived = async (step) => {
      // The transaction fails as a full disk would (the IndexedDB store's own test shows such
      // a failure leaves nothing behind): here, what the messenger does about it.
      if (failNext) {
        failNext = false
        throw new DOMException('The disk is full.', 'QuotaExceededError')
      }
      committed.push(step.messages?.length ?? 0)
      return commit(step)
    }
    const { ann, bob } = await pair(bobStore)
    await ann.contacts.add(await bob.profile.inviteLink('http://127.0.0.1', []))
    const texts = Array.from({ length: 12 }, (_, i) => `queued ${i + 1}`)
    for (const text of texts) await ann.conversations.send(bob.userId, text)
    await eventually(async () => (await ann.conversations.messages(bob.userId)).every((m) => m.state === 'stored')).toBe(true)
    const changes: MessengerChange[] = []
    bob.bus.subscribe((change) => { changes.push(change) })

    failNext = true
    const failed = await bob.duties.drainMailboxes()
    expect(failed.received).toBe(0)
    expect(failed.entries).toBe(texts.length)
    expect(await bob.contacts.list()).toEqual([]) // the contact a first message makes is part of the step
    expect(await bob.conversations.messages(ann.userId)).toEqual([])
    expect(changes).toEqual([])
    await settle()
    await ann.duties.drainMailboxes()
    expect((await ann.conversations.messages(bob.userId)).map((m) => m.state)).toEqual(texts.map(() => 'stored')) // no receipt

    const again = await bob.duties.drainMailboxes()
    expect(again.received).toBe(texts.length)
    expect(committed.length).toBe(again.slots) // one commit per slot, not one per message
    expect(committed.reduce((a, b) => a + b, 0)).toBe(texts.length)
    expect((await bob.conversations.messages(ann.userId)).map((m) => m.text)).toEqual(texts)
    expect(changes.filter((c) => c.kind === 'messages')).toHaveLength(again.slots) // one UI update per slot
    expect((await bob.duties.drainMailboxes()).received).toBe(0)
    expect((await bob.conversations.messages(ann.userId)).map((m) => m.text)).toEqual(texts)
    // Bob's receipts go to the pair's slots once their batch closes; then Ann reads them.
    await settle()
    await ann.duties.drainMailboxes()
    expect((await ann.conversations.messages(bob.userId)).map((m) => m.state)).toEqual(texts.map(() => 'delivered'))
  })

  it('a drain shows what the first holder to answer has without waiting for the others, then takes what it lacked from the rest, each message once', async () => {
    const { hub, ann, bob, mailboxes } = await pair()
    await ann.contacts.add(await bob.profile.inviteLink('http://127.0.0.1', []))
    for (const text of ['one', 'two', 'three']) await ann.conversations.send(bob.userId, text)
    await eventually(async () => (await ann.conversations.messages(bob.userId)).every((m) => m.state === 'stored')).toBe(true)
    // The fast holder kept the slot as it was after three messages; three more came later.
    hub.earlyHolder = new Map(mailboxes)
    for (const text of ['four', 'five', 'six']) await ann.conversations.send(bob.userId, text)
    await eventually(async () => (await ann.conversations.messages(bob.userId)).every((m) => m.state === 'stored')).toBe(true)
    const answerAll = hub.holdLookups()

    const draining = bob.duties.drainMailboxes()
    // The fast holder's three are shown while the lookup still waits for the slow holder.
    await eventually(async () => (await bob.conversations.messages(ann.userId)).map((m) => m.text)).toEqual(['one', 'two', 'three'])
    answerAll()
    expect((await draining).received).toBe(6)
    expect((await bob.conversations.messages(ann.userId)).map((m) => m.text)).toEqual(['one', 'two', 'three', 'four', 'five', 'six'])
    expect((await bob.duties.drainMailboxes()).received).toBe(0)
  })

  it('the leader reads its mailboxes once a relay connection is up, without waiting for the reservation, and not again when it comes', async () => {
    const { ann, bob, mailboxes, bobDiagnostics } = await pair()
    await ann.contacts.add(await bob.profile.inviteLink('http://127.0.0.1', []))
    for (const text of ['one', 'two']) await ann.conversations.send(bob.userId, text)
    await eventually(() => heldEntries(mailboxes)).toBe(2)
    const drains = (): number => bobDiagnostics.events('mailbox:drained').length
    const before = drains()
    bob.onRelayStatus('connecting')
    await eventually(async () => (await bob.conversations.messages(ann.userId)).map((m) => m.text)).toEqual(['one', 'two'])
    expect(drains()).toBe(before + 1)
    bob.onRelayStatus('reserved', 1)
    await settle()
    expect(drains()).toBe(before + 1)
  })

  it('a message nobody can hold waits as queued and goes out when the DHT answers again', async () => {
    const { ann, bob, annWire } = await pair()
    await ann.contacts.add(await bob.profile.inviteLink('http://127.0.0.1', []))
    annWire.dhtUp = false
    await ann.conversations.send(bob.userId, 'later')
    await settle()
    await eventually(async () => (await ann.conversations.messages(bob.userId)).map((m) => m.state)).toEqual(['pending'])
    annWire.dhtUp = true
    ann.onRelayStatus('reserved')
    await settle()
    await eventually(async () => (await ann.conversations.messages(bob.userId)).map((m) => m.state)).toEqual(['stored'])
    await bob.duties.drainMailboxes()
    await eventually(async () => (await bob.conversations.messages(ann.userId)).map((m) => m.text)).toEqual(['later'])
  })

  it('a message with no receipt within the retention fails, and Retry sends it again', async () => {
    const { ann, bob } = await pair()
    await ann.contacts.add(await bob.profile.inviteLink('http://127.0.0.1', []))
    const old = await ann.conversations.send(bob.userId, 'too late', Date.now() - 22 * 24 * 3600 * 1000)
    await settle()
    ann.onRelayStatus('reserved') // the leader's duty: fail what is past its retention
    await settle()
    await eventually(async () => (await ann.conversations.messages(bob.userId)).map((m) => m.state)).toEqual(['failed'])
    await ann.conversations.retry(old.id)
    await settle()
    await eventually(async () => (await ann.conversations.messages(bob.userId)).map((m) => m.state)).toEqual(['stored'])
    await bob.duties.drainMailboxes()
    await eventually(async () => (await bob.conversations.messages(ann.userId)).map((m) => m.text)).toEqual(['too late'])
  })

  it('someone added by bare ID who never wrote has no mailbox: the message stays queued and the person is told', async () => {
    const { ann, bob } = await pair()
    const notices: string[] = []
    ann.bus.subscribe((change) => { if (change.kind === 'notice') notices.push(change.notice.code) })
    await ann.conversations.send(bob.userId, 'hello?')
    await settle()
    await eventually(async () => (await ann.conversations.messages(bob.userId)).map((m) => m.state)).toEqual(['pending'])
    expect(notices).toContain('no-mailbox')
  })

  it('read receipts mark the sender\'s message read, and can be turned off', async () => {
    const { ann, bob, annWire, bobWire } = await pair()
    annWire.linksUp = bobWire.linksUp = true
    await ann.conversations.send(bob.userId, 'seen?')
    await settle()
    // A message request learns nothing of what Bob reads.
    await bob.conversations.markRead(ann.userId)
    await settle()
    await eventually(async () => (await bob.conversations.messages(ann.userId)).map((m) => m.state)).toEqual(['read'])
    expect((await ann.conversations.messages(bob.userId)).map((m) => m.state)).toEqual(['delivered'])
    await bob.requests.accept(ann.userId)
    await ann.conversations.send(bob.userId, 'and now?')
    await settle()
    await bob.conversations.markRead(ann.userId)
    await settle()
    await eventually(async () => (await ann.conversations.messages(bob.userId)).map((m) => m.state)).toEqual(['delivered', 'read'])
    await bob.conversations.setReadReceipts(false)
    await ann.conversations.send(bob.userId, 'quietly')
    await settle()
    await bob.conversations.markRead(ann.userId)
    await settle()
    await eventually(async () => (await ann.conversations.messages(bob.userId)).map((m) => m.state)).toEqual(['delivered', 'read', 'delivered'])
  })

  it('Bob\'s push token reaches Ann in the session; mail she leaves in his mailbox pokes his gateway once per window, and a refused poke changes nothing; his withdrawal reaches her through her mailbox', async () => {
    const { ann, bob, annWire, bobWire, bobStore } = await pair()
    await ann.contacts.add(await bob.profile.inviteLink('http://127.0.0.1', []))
    annWire.linksUp = bobWire.linksUp = true
    await ann.conversations.send(bob.userId, 'hello')
    await eventually(async () => (await ann.conversations.messages(bob.userId)).map((m) => m.state)).toEqual(['delivered'])

    const registration: StoredPushRegistration = { gatewayOrigin: 'https://relay-b.example', token: 'bobsToken', revokeSecret: 's', endpoint: 'https://push.example/1', createdAt: 0 }
    await bobStore.saveSetting(PUSH_REGISTRATION_SETTING, registration)
    // Ann is a message request for Bob: she gets no token until he accepts her.
    await bob.pushSharing.shareWithAll()
    await settle()
    expect((await ann.contacts.list())[0]!.push).toBeUndefined()
    await bob.requests.accept(ann.userId)
    await bob.pushSharing.shareWithAll()
    await eventually(async () => (await ann.contacts.list())[0]!.push).toMatchObject({ gateway: 'https://relay-b.example', token: 'bobsToken' })

    const pokes: Array<{ url: string, body: string }> = []
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      pokes.push({ url, body: String(init.body) })
      // The gateway refuses: the message is stored all the same.
      return new Response(JSON.stringify({ error: 'No push subscription has this token.' }), { status: 404 })
    })
    try {
      annWire.linksUp = bobWire.linksUp = false
      await ann.conversations.send(bob.userId, 'while you were away')
      await ann.conversations.send(bob.userId, 'and again')
      await eventually(async () => (await ann.conversations.messages(bob.userId)).map((m) => m.state)).toEqual(['delivered', 'stored', 'stored'])
      await settle()
      expect(pokes).toEqual([{ url: 'https://relay-b.example/push/poke', body: JSON.stringify({ token: 'bobsToken' }) }])

      // Bob turns notifications off: the withdrawal waits in Ann's mailbox until she reads it.
      await bobStore.saveSetting(PUSH_REGISTRATION_SETTING, null)
      await bob.pushSharing.shareWithAll()
      await ann.duties.drainMailboxes()
      expect((await ann.contacts.list())[0]!.push?.token).toBe('')
    } finally {
      vi.unstubAllGlobals()
    }
  })

  it('safety numbers agree on both sides', async () => {
    const { ann, bob } = await pair()
    await bob.contacts.add(ann.userId)
    const annSide = ann.contacts.safetyNumber((await ann.contacts.list())[0]!)
    const bobSide = bob.contacts.safetyNumber((await bob.contacts.list())[0]!)
    expect(annSide.digits).toEqual(bobSide.digits)
    expect(annSide.digits.join('')).toMatch(/^\d{60}$/)
  })
})
