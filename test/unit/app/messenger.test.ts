import { describe, expect, it } from 'vitest'
import { Messenger } from '../../../src/app/messenger.ts'
import type { ConnectionStatus, Network } from '../../../src/app/network-host.ts'
import type { StoredContact } from '../../../src/app/store-port.ts'
import { decodeEnvelope } from '../../../src/core/envelope.ts'
import { encodeUserId } from '../../../src/core/user-id.ts'
import { createMemoryMessengerStore } from '../../../src/store/memory-messenger-store.ts'
import { SessionCrypto } from '../../../src/app/session-crypto.ts'
import { createDhIdentity } from '../../../src/core/x3dh/index.ts'

/**
 * The messenger's own rules, end-to-end encryption included, with the libp2p half replaced
 * by an in-memory wire that decodes every frame as a tab does (src/app/network.ts adds the
 * hello binding, which the e2e tests cover in real browsers) and a map standing in for the
 * DHT's prekey records.
 */
class Wire implements Network {
  up = false
  frames: Uint8Array[] = []
  peer: Messenger | undefined
  record: Uint8Array | undefined
  constructor (private readonly dht: Map<string, Uint8Array>, private readonly owner: () => Messenger) {}
  watch (_contact: StoredContact): void {}
  status (): ConnectionStatus { return this.up ? 'direct' : 'offline' }
  isLinked (): boolean { return this.up }
  setPrekeyRecord (record: Uint8Array): void { this.dht.set(this.owner().userId, record) }
  async findPrekey (publicKey: Uint8Array): Promise<Uint8Array | undefined> { return this.dht.get(encodeUserId(publicKey)) }
  async send (_userId: string, frame: Uint8Array): Promise<boolean> {
    if (!this.up || this.peer == null) return false
    this.frames.push(frame)
    const envelope = decodeEnvelope(frame, { self: this.peer.identity.publicKey })
    if (envelope.kind === 'sealed') this.peer.onEnvelope(envelope)
    return true
  }
  async stop (): Promise<void> {}
}

async function pair () {
  const dht = new Map<string, Uint8Array>()
  const ann = await Messenger.create(createMemoryMessengerStore(), 'Ann')
  const bob = await Messenger.create(createMemoryMessengerStore(), 'Bob')
  const annWire = new Wire(dht, () => ann)
  const bobWire = new Wire(dht, () => bob)
  annWire.peer = bob
  bobWire.peer = ann
  await ann.attachNetwork(annWire)
  await bob.attachNetwork(bobWire)
  await ann.addContact(bob.userId)
  return { ann, bob, annWire, bobWire }
}

const settle = async (): Promise<void> => { for (let i = 0; i < 50; i++) await new Promise((r) => setTimeout(r, 0)) }

describe('Messenger', () => {
  it('stores a message as pending before anything is sent, and sends it encrypted when a link comes up', async () => {
    const { ann, bob, annWire, bobWire } = await pair()
    const message = await ann.send(bob.userId, '  hello  ')
    await settle()
    expect(message.text).toBe('hello')
    expect((await ann.messages(bob.userId)).map((m) => m.state)).toEqual(['pending'])

    annWire.up = bobWire.up = true
    ann.onLinkUp(bob.userId)
    await settle()
    expect((await ann.messages(bob.userId)).map((m) => m.state)).toEqual(['delivered'])
    // Bob had never heard of Ann: her first message makes her a contact, named as she wrote.
    expect((await bob.contacts()).map((c) => c.name)).toEqual(['Ann'])
    expect((await bob.messages(ann.userId)).map((m) => m.text)).toEqual(['hello'])
    // Nothing on the wire holds the text.
    const wire = new TextDecoder('latin1').decode(Uint8Array.from(annWire.frames.flatMap((f) => [...f])))
    expect(wire).not.toContain('hello')
  })

  it('a replayed frame is not shown twice', async () => {
    const { ann, bob, annWire, bobWire } = await pair()
    annWire.up = bobWire.up = true
    await ann.send(bob.userId, 'once')
    await settle()
    for (const frame of annWire.frames) {
      const envelope = decodeEnvelope(frame)
      if (envelope.kind === 'sealed') bob.onEnvelope(envelope)
    }
    await settle()
    expect((await bob.messages(ann.userId)).map((m) => m.text)).toEqual(['once'])
  })

  it('resends a sent message without a receipt when the link comes back, and the receiver keeps one copy', async () => {
    const { ann, bob, annWire, bobWire } = await pair()
    annWire.up = true
    bobWire.up = false // Bob's receipts are lost
    await ann.send(bob.userId, 'in flight')
    await settle()
    expect((await ann.messages(bob.userId)).map((m) => m.state)).toEqual(['sent'])
    bobWire.up = true
    ann.onLinkUp(bob.userId)
    await settle()
    expect((await ann.messages(bob.userId)).map((m) => m.state)).toEqual(['delivered'])
    expect((await bob.messages(ann.userId)).map((m) => m.text)).toEqual(['in flight'])
  })

  it('both write first at the same time and every message arrives both ways', async () => {
    const { ann, bob, annWire, bobWire } = await pair()
    await bob.addContact(ann.userId)
    await ann.send(bob.userId, 'from ann')
    await bob.send(ann.userId, 'from bob')
    annWire.up = bobWire.up = true
    ann.onLinkUp(bob.userId)
    bob.onLinkUp(ann.userId)
    await settle()
    for (let i = 0; i < 3; i++) {
      await ann.send(bob.userId, `ann ${i}`)
      await bob.send(ann.userId, `bob ${i}`)
      await settle()
    }
    expect((await bob.messages(ann.userId)).filter((m) => m.direction === 'in').map((m) => m.text)).toEqual(['from ann', 'ann 0', 'ann 1', 'ann 2'])
    expect((await ann.messages(bob.userId)).filter((m) => m.direction === 'in').map((m) => m.text)).toEqual(['from bob', 'bob 0', 'bob 1', 'bob 2'])
    expect((await ann.messages(bob.userId)).every((m) => m.direction === 'in' || m.state === 'delivered')).toBe(true)
  })

  it('refuses empty, oversized and unaddressed messages and stores nothing', async () => {
    const { ann, bob } = await pair()
    await expect(ann.send(bob.userId, '   ')).rejects.toMatchObject({ name: 'SendError' })
    await expect(ann.send(bob.userId, 'x'.repeat(4001))).rejects.toMatchObject({ name: 'SendError' })
    await expect(ann.send('mmnobody', 'hi')).rejects.toMatchObject({ name: 'SendError' })
    await expect(ann.send(bob.userId, 'broken \ud800 surrogate')).rejects.toMatchObject({ name: 'SendError' })
    expect(await ann.messages(bob.userId)).toEqual([])
  })

  it('refuses bad contact input and its own id, changing nothing', async () => {
    const { ann, bob } = await pair()
    const before = await ann.contacts()
    await expect(ann.addContact('not an id')).rejects.toMatchObject({ name: 'InvalidContactInputError' })
    await expect(ann.addContact(ann.userId)).rejects.toMatchObject({ name: 'ProfileError' })
    expect(await ann.contacts()).toEqual(before)
    expect(before.map((c) => c.userId)).toEqual([bob.userId])
  })

  it('adds a contact from an invite link with its name, relays and prekey, and keeps one profile per store', async () => {
    const store = createMemoryMessengerStore()
    const ann = await Messenger.create(store, 'Ann')
    const carol = await Messenger.create(createMemoryMessengerStore(), 'Carol')
    const link = await carol.inviteLink('http://127.0.0.1:8080', ['/ip4/127.0.0.1/tcp/9/ws'])
    const contact = await ann.addContact(link)
    expect(contact).toMatchObject({ userId: encodeUserId(carol.identity.publicKey), name: 'Carol', relays: ['/ip4/127.0.0.1/tcp/9/ws'] })
    expect(contact.prekeyRecord?.length).toBeGreaterThan(100)
    await expect(Messenger.create(store, 'Again')).rejects.toMatchObject({ name: 'ProfileError' })
    await expect(Messenger.create(createMemoryMessengerStore(), 'Eve\u202e')).rejects.toMatchObject({ name: 'ProfileError' })
    expect((await Messenger.load(store))?.userId).toBe(ann.userId)
  })

  it('a changed key agreement key is never taken silently: sending stops until the person accepts it', async () => {
    const { ann, bob, annWire, bobWire } = await pair()
    annWire.up = bobWire.up = true
    await ann.send(bob.userId, 'hello')
    await settle()
    expect((await ann.messages(bob.userId)).map((m) => m.state)).toEqual(['delivered'])

    // Bob reinstalls with the same identity key but new key agreement keys (or someone who
    // holds his identity key tries to sit in the middle): his next message starts a new session.
    const bobStore = createMemoryMessengerStore()
    const dh = createDhIdentity(bob.identity)
    await bobStore.saveProfile({ ...bob.identity, name: 'Bob', createdAt: 1, dh })
    await SessionCrypto.createPrekeys(bobStore, bob.identity, dh)
    const reborn = (await Messenger.load(bobStore))!
    const rebornWire = new Wire(new Map(), () => reborn)
    rebornWire.peer = ann
    rebornWire.up = true
    annWire.peer = reborn
    await reborn.attachNetwork(rebornWire)
    await reborn.addContact(await ann.inviteLink('http://127.0.0.1', []))
    await reborn.send(ann.userId, 'it is me, new keys')
    await settle()

    const contact = (await ann.contacts())[0]!
    expect(contact.changedDhIdentityKey).toBeDefined()
    expect((await ann.messages(bob.userId)).map((m) => m.text)).toContain('it is me, new keys')
    await expect(ann.send(bob.userId, 'are you really Bob?')).rejects.toMatchObject({ name: 'SendError' })
    await ann.acceptKeyChange(bob.userId)
    const accepted = (await ann.contacts())[0]!
    expect(accepted.changedDhIdentityKey).toBeUndefined()
    expect(accepted.verified).toBe(false)
    await ann.send(bob.userId, 'welcome back')
    await settle()
    expect((await reborn.messages(ann.userId)).map((m) => m.text)).toContain('welcome back')
  })

  it('safety numbers agree on both sides', async () => {
    const { ann, bob } = await pair()
    await bob.addContact(ann.userId)
    const annSide = ann.safetyNumber((await ann.contacts())[0]!)
    const bobSide = bob.safetyNumber((await bob.contacts())[0]!)
    expect(annSide.digits).toEqual(bobSide.digits)
    expect(annSide.digits.join('')).toMatch(/^\d{60}$/)
  })
})
