import { describe, expect, it } from 'vitest'
import { Messenger } from '../../../src/app/messenger.ts'
import type { ConnectionStatus, Network } from '../../../src/app/network-host.ts'
import type { StoredContact } from '../../../src/app/store-port.ts'
import { decodeEnvelope, encodeEnvelope, newMessageId } from '../../../src/core/envelope.ts'
import { encodeUserId } from '../../../src/core/user-id.ts'
import { createMemoryMessengerStore } from '../../../src/store/memory-messenger-store.ts'

/**
 * The messenger's own rules, with the libp2p half replaced by an in-memory wire that
 * decodes every frame exactly as a tab does (src/app/network.ts checks the same things
 * and adds the hello binding, which the e2e tests cover in real browsers).
 */
class Wire implements Network {
  up = false
  sent: Uint8Array[] = []
  peer: Messenger | undefined
  watch (_contact: StoredContact): void {}
  status (): ConnectionStatus { return this.up ? 'direct' : 'offline' }
  async send (_userId: string, frame: Uint8Array): Promise<boolean> {
    if (!this.up || this.peer == null) return false
    this.sent.push(frame)
    const envelope = decodeEnvelope(frame, { self: this.peer.identity.publicKey })
    if (envelope.kind !== 'hello') this.peer.onEnvelope(envelope)
    return true
  }
  async stop (): Promise<void> {}
}

async function pair () {
  const annStore = createMemoryMessengerStore()
  const bobStore = createMemoryMessengerStore()
  const ann = await Messenger.create(annStore, 'Ann')
  const bob = await Messenger.create(bobStore, 'Bob')
  const annWire = new Wire()
  const bobWire = new Wire()
  annWire.peer = bob
  bobWire.peer = ann
  await ann.attachNetwork(annWire)
  await bob.attachNetwork(bobWire)
  await ann.addContact(bob.userId)
  return { ann, bob, annWire, bobWire, annStore, bobStore }
}

const settle = async (): Promise<void> => { for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 0)) }

describe('Messenger', () => {
  it('stores a message as pending before anything is sent, and sends it when a link comes up', async () => {
    const { ann, bob, annWire, bobWire } = await pair()
    const message = await ann.send(bob.userId, '  hello  ')
    await settle()
    expect(message.text).toBe('hello')
    expect((await ann.messages(bob.userId)).map((m) => m.state)).toEqual(['pending'])

    annWire.up = bobWire.up = true
    ann.onLinkUp(bob.userId)
    await settle()
    expect((await ann.messages(bob.userId)).map((m) => m.state)).toEqual(['delivered'])
    // Bob had never heard of Ann: her first message makes her a contact, named as she signed.
    expect((await bob.contacts()).map((c) => c.name)).toEqual(['Ann'])
    expect((await bob.messages(ann.userId)).map((m) => m.text)).toEqual(['hello'])
  })

  it('shows a duplicate once but acknowledges it again', async () => {
    const { ann, bob, bobWire } = await pair()
    bobWire.up = true
    const frame = encodeEnvelope(ann.identity, {
      kind: 'message', to: bob.identity.publicKey, id: newMessageId(), sentAt: 5, name: 'Ann', text: 'once'
    })
    const envelope = decodeEnvelope(frame)
    if (envelope.kind !== 'message') throw new Error('unreachable')
    bob.onEnvelope(envelope)
    bob.onEnvelope(envelope)
    await settle()
    expect((await bob.messages(ann.userId)).map((m) => m.text)).toEqual(['once'])
    expect(bobWire.sent.map((f) => decodeEnvelope(f).kind)).toEqual(['receipt', 'receipt'])
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

  it('adds a contact from an invite link with its name and relays, and keeps one profile per store', async () => {
    const store = createMemoryMessengerStore()
    const ann = await Messenger.create(store, 'Ann')
    const carol = await Messenger.create(createMemoryMessengerStore(), 'Carol')
    const link = carol.inviteLink('http://127.0.0.1:8080', ['/ip4/127.0.0.1/tcp/9/ws'])
    const contact = await ann.addContact(link)
    expect(contact).toMatchObject({ userId: encodeUserId(carol.identity.publicKey), name: 'Carol', relays: ['/ip4/127.0.0.1/tcp/9/ws'] })
    await expect(Messenger.create(store, 'Again')).rejects.toMatchObject({ name: 'ProfileError' })
    await expect(Messenger.create(createMemoryMessengerStore(), 'Eve\u202e')).rejects.toMatchObject({ name: 'ProfileError' })
    expect((await Messenger.load(store))?.userId).toBe(ann.userId)
  })
})
