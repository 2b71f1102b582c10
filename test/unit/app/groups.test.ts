import { describe, expect, it, vi } from 'vitest'
import { GROUP_CATCH_UP_MS, Messenger } from '../../../src/app/messenger.ts'
import type { MessengerStore } from '../../../src/core/ports/index.ts'
import { decodeGroupMessage, encodeGroupMessage, isGroupMessageControl } from '../../../src/core/group/index.ts'
import { createMemoryMessengerStore } from '../../../src/store/memory-messenger-store.ts'
import { MemoryHub } from '../support/memory-network.ts'
import { eventually, syncCrypto, useFakeTime } from '../support/fake-time.ts'

/**
 * Groups at the messenger level with real encryption and real stores, the libp2p half
 * replaced by the in-memory network (test/unit/support/memory-network.ts): direct links
 * between online members, a gossip bus that runs each receiver's topic validator and can
 * deliver in a shuffled order, sync by calling the other member, and one mailbox holder.
 * The e2e tests (test/e2e/groups.test.ts) run the same in real browsers.
 */
async function group (names: string[]) {
  const hub = new MemoryHub()
  const people: Messenger[] = []
  const stores = new Map<Messenger, MessengerStore>()
  // Fake time stands still until a test moves it: every member's catch-up timer starts now.
  const attachedAt = Date.now()
  for (const name of names) {
    const store = createMemoryMessengerStore()
    const m = await Messenger.create(store, name, syncCrypto)
    people.push(m)
    stores.set(m, store)
    await m.attachNetwork(hub.join(m))
  }
  const [admin, ...rest] = people
  // Only the admin knows everyone; the others meet through the group. Each member has the
  // admin as a contact: only a contact's invitation puts someone in a group.
  for (const other of rest) {
    await admin!.contacts.add(await other.profile.inviteLink('https://murmur.test', []))
    await other.contacts.add(admin!.userId)
  }
  /** The store a member's messenger was made with: what it keeps that no service shows. */
  const storeOf = (m: Messenger): MessengerStore => stores.get(m)!
  /** Fake time until every member's next periodic group catch-up (GROUP_CATCH_UP_MS). */
  const untilCatchUp = (): number => GROUP_CATCH_UP_MS - (Date.now() - attachedAt) % GROUP_CATCH_UP_MS
  return { hub, admin: admin!, rest, people, storeOf, untilCatchUp }
}

/** What the UI does for "Create group": contacts become members, then the group is made. */
const createGroup = async (m: Messenger, name: string, userIds: string[]) => m.groups.create(name, await m.contacts.asMembers(userIds))

/** A member's status lines, "type who" (by first name), oldest first. */
const lines = (m: Messenger, names: Map<string, string>): string[] =>
  (m.groups.list()[0]?.events ?? []).map((e) => `${e.type} ${'by' in e ? `${names.get(e.by)}>` : ''}${'who' in e ? names.get(e.who) : ''}`)
const namesOf = (people: Messenger[]): Map<string, string> => new Map(people.map((m) => [m.userId, m.profile.name]))

const log = async (m: Messenger, groupId: string): Promise<string[]> =>
  (await m.groups.messages(groupId)).map((row) => `${row.author.slice(0, 8)}:${row.text ?? `<${row.unreadable}>`}`)

// Real X25519/Ed25519 for five profiles: seconds on a loaded 2-core machine.
describe('groups', { timeout: 60_000 }, () => {
  useFakeTime()

  it('an invitation from someone who is not a contact waits as a request: no group, no member a contact, until she joins', async () => {
    const { admin, rest, storeOf } = await group(['Ann', 'Bob', 'Cat'])
    const [bob, cat] = rest
    // Cat forgets Ann: Ann is then a stranger to her.
    await storeOf(cat!).deleteContact(admin.userId)
    const { groupId } = await createGroup(admin, 'Uninvited', [bob!.userId, cat!.userId])
    await eventually(() => bob!.groups.list().length).toBe(1)
    await eventually(async () => (await cat!.groups.invitations.list()).map((i) => `${i.state.name} from ${i.from === admin.userId ? 'Ann' : '?'}`)).toEqual(['Uninvited from Ann'])
    expect(cat!.groups.list()).toEqual([])
    expect((await storeOf(cat!).listContacts()).map((c) => `${c.name}${c.request === true ? ' (request)' : ''}`)).toEqual(['Ann (request)'])

    // Joining makes Ann a contact and the group hers; the members meet through it as usual.
    await cat!.groups.invitations.join(groupId, admin.userId)
    expect(cat!.groups.list().map((g) => g.name)).toEqual(['Uninvited'])
    expect(await cat!.groups.invitations.list()).toEqual([])
    expect((await storeOf(cat!).getContact(admin.userId))?.request).toBeUndefined()
    await eventually(async () => { await bob!.groups.send(groupId, 'welcome'); return (await log(cat!, groupId)).some((l) => l.endsWith(':welcome')) }).toBe(true)
  })

  it('a stranger\'s invitations are bounded; declining forgets one, deleting the request forgets the rest', async () => {
    const { admin, rest, storeOf } = await group(['Ann', 'Bob'])
    const [bob] = rest
    await storeOf(bob!).deleteContact(admin.userId)
    for (const name of ['One', 'Two', 'Three', 'Four']) await createGroup(admin, name, [bob!.userId])
    // Three per inviter: the fourth is refused and the three held stay.
    await eventually(async () => (await bob!.groups.invitations.list()).map((i) => i.state.name).sort()).toEqual(['One', 'Three', 'Two'])
    const two = (await bob!.groups.invitations.list()).find((i) => i.state.name === 'Two')!
    await bob!.groups.invitations.decline(two.groupId, admin.userId)
    expect((await bob!.groups.invitations.list()).map((i) => i.state.name).sort()).toEqual(['One', 'Three'])
    expect(bob!.groups.list()).toEqual([])
    await bob!.requests.remove(admin.userId)
    expect(await bob!.groups.invitations.list()).toEqual([])
  })

  it('every member ends with the same history whatever order gossip arrives in', async () => {
    const { hub, admin, rest, people } = await group(['Ann', 'Bob', 'Cat', 'Dan'])
    const created = await createGroup(admin, 'Climbing', rest.map((m) => m.userId))
    await eventually(() => rest.every((m) => m.groups.list().length === 1)).toBe(true)
    // Messages sent before a key arrives wait, unread, and are read once it comes.
    for (const m of people) await m.groups.send(created.groupId, `hello from ${m.name}`)
    await eventually(async () => (await Promise.all(people.map(async (m) => (await log(m, created.groupId)).filter((l) => !l.includes('<')).length))).every((n) => n === 4)).toBe(true)

    hub.hold = true
    await Promise.all(people.map(async (m) => {
      for (let i = 0; i < 10; i++) await m.groups.send(created.groupId, `${m.name} ${i}`)
    }))
    await hub.flush(7)
    hub.hold = false
    const expected = await log(admin, created.groupId)
    await eventually(async () => (await Promise.all(people.map(async (m) => (await log(m, created.groupId)).join('\n')))).every((l) => l === expected.join('\n'))).toBe(true)
    expect(expected).toHaveLength(44)
    expect(expected.some((l) => l.includes('<'))).toBe(false)
    expect(hub.rejected).toBe(0)
  })

  it('a member who was away catches up by sync and ends identical', async () => {
    const { hub, admin, rest } = await group(['Ann', 'Bob', 'Cat'])
    const { groupId } = await createGroup(admin, 'Away', rest.map((m) => m.userId))
    const [bob, cat] = rest
    await eventually(() => bob!.groups.list().length + cat!.groups.list().length).toBe(2)
    await eventually(async () => { await bob!.groups.send(groupId, 'ping'); return (await log(cat!, groupId)).some((l) => l.endsWith(':ping')) }).toBe(true)

    hub.get(cat!.userId).online = false
    for (let i = 0; i < 5; i++) {
      await admin.groups.send(groupId, `a${i}`)
      await bob!.groups.send(groupId, `b${i}`)
    }
    hub.get(cat!.userId).online = true
    cat!.onLinkUp(admin.userId)
    await eventually(async () => {
      const [a, c] = [(await log(admin, groupId)).join('\n'), (await log(cat!, groupId)).join('\n')]
      return a === c && !a.includes('<') && a.split('\n').length >= 11
    }).toBe(true)
  })

  it('a linked member gossip does not reach yet gets the message over the session at once', async () => {
    const { hub, admin, rest } = await group(['Ann', 'Bob', 'Cat'])
    const { groupId } = await createGroup(admin, 'Fresh link', rest.map((m) => m.userId))
    const [bob, cat] = rest
    await eventually(async () => { await admin.groups.send(groupId, 'first'); return (await log(cat!, groupId)).some((l) => l.endsWith(':first')) }).toBe(true)
    // Cat is linked to everyone, but nobody has heard her subscription (a link just up).
    hub.unsubscribed.add(cat!.userId)
    await bob!.groups.send(groupId, 'while the link settles')
    await eventually(async () => (await log(cat!, groupId)).some((l) => l.endsWith(':while the link settles'))).toBe(true)
  })

  it('a gossip message lost on the way, that nothing later names, arrives with the next catch-up', async () => {
    const { hub, admin, rest, untilCatchUp } = await group(['Ann', 'Bob', 'Cat'])
    const { groupId } = await createGroup(admin, 'Lossy', rest.map((m) => m.userId))
    const [bob, cat] = rest
    await eventually(async () => { await admin.groups.send(groupId, 'first'); return (await log(cat!, groupId)).some((l) => l.endsWith(':first')) }).toBe(true)
    hub.lost.add(cat!.userId)
    await bob!.groups.send(groupId, 'the last word')
    hub.lost.delete(cat!.userId)
    await eventually(async () => (await log(admin, groupId)).some((l) => l.endsWith(':the last word'))).toBe(true)
    // The sender saw Cat as reached, so nothing else would bring it: only the catch-up does.
    await vi.advanceTimersByTimeAsync(untilCatchUp() - 1)
    expect((await log(cat!, groupId)).some((l) => l.endsWith(':the last word'))).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    await eventually(async () => (await log(cat!, groupId)).some((l) => l.endsWith(':the last word'))).toBe(true)
  })

  it('a member away while everyone else is gone too gets the messages from their mailbox', async () => {
    const { hub, admin, rest, storeOf } = await group(['Ann', 'Bob', 'Cat'])
    const { groupId } = await createGroup(admin, 'Mail', rest.map((m) => m.userId))
    const [bob, cat] = rest
    await eventually(async () => { await cat!.groups.send(groupId, 'hi'); return (await log(admin, groupId)).some((l) => l.endsWith(':hi')) }).toBe(true)
    hub.get(cat!.userId).online = false
    for (let i = 0; i < 3; i++) await admin.groups.send(groupId, `while away ${i}`)
    // Ann stays online until her outbox has left all three in Cat's mailbox (the UI would
    // show them stored); a control message is not in any conversation, so read the store.
    const controlsFor = async (m: Messenger, to: string) => (await storeOf(m).listMessages(to)).filter((x) => x.control != null && isGroupMessageControl(x.control))
    await eventually(async () => (await controlsFor(admin, cat!.userId)).map((x) => x.state).join()).toBe('stored,stored,stored')
    // Nobody Cat could sync from is online when Cat returns.
    hub.get(admin.userId).online = false
    hub.get(bob!.userId).online = false
    hub.get(cat!.userId).online = true
    await eventually(async () => { await cat!.duties.drainMailboxes(); return (await log(cat!, groupId)).filter((l) => l.includes('while away')).length }).toBe(3)
  })

  it('a removed member reads nothing sent afterwards, and the rest go on', async () => {
    const { hub, admin, rest } = await group(['Ann', 'Bob', 'Cat'])
    const { groupId } = await createGroup(admin, 'Trip', rest.map((m) => m.userId))
    const [bob, cat] = rest
    await eventually(async () => { await cat!.groups.send(groupId, 'before'); return (await log(bob!, groupId)).some((l) => l.endsWith(':before')) }).toBe(true)

    await admin.groups.removeMember(groupId, cat!.userId)
    await eventually(() => cat!.groups.list()[0]?.removed).toBe(true)
    await eventually(() => bob!.groups.list()[0]?.members.length).toBe(2)
    await eventually(async () => { await bob!.groups.send(groupId, 'after'); return (await log(admin, groupId)).some((l) => l.endsWith(':after')) }).toBe(true)
    // Each says it in its own words: Bob only saw the new state, not why Cat went.
    const names = namesOf([admin, ...rest])
    expect(lines(admin, names)).toEqual(['created Ann>', 'removed Ann>Cat'])
    expect(lines(bob!, names)).toEqual(['added Ann>Bob', 'gone Cat'])
    expect(lines(cat!, names)).toEqual(['added Ann>Cat', 'removed Ann>Cat'])

    // Cat is online and tries everything a member could: the old topic, and asking for sync.
    expect(hub.get(cat!.userId).topics.size).toBe(0)
    expect(await admin.onSyncRequest(cat!.userId, new Uint8Array([1]))).toEqual([])
    expect((await log(cat!, groupId)).some((l) => l.includes('after'))).toBe(false)
    await expect(cat!.groups.send(groupId, 'still here?')).rejects.toThrow(/no longer in this group/)
  })

  it('a member who leaves is removed by the admin; an admin who leaves hands the group on', async () => {
    const { admin, rest } = await group(['Ann', 'Bob', 'Cat'])
    const { groupId } = await createGroup(admin, 'Leaving', rest.map((m) => m.userId))
    const [bob, cat] = rest
    await eventually(() => bob!.groups.list().length + cat!.groups.list().length).toBe(2)
    await bob!.groups.leave(groupId)
    expect(bob!.groups.list()[0]!.removed).toBe(true)
    await eventually(() => cat!.groups.list()[0]!.members.map((m) => m.name).sort().join()).toBe('Ann,Cat')

    await admin.groups.leave(groupId)
    expect(admin.groups.list()[0]!.removed).toBe(true)
    await eventually(() => cat!.groups.list()[0]!.admin).toBe(cat!.userId)
    expect(cat!.groups.list()[0]!.members.map((m) => m.userId)).toEqual([cat!.userId])
    await expect(admin.groups.send(groupId, 'gone')).rejects.toThrow(/no longer in this group/)
    const names = namesOf([admin, ...rest])
    expect(lines(bob!, names)).toEqual(['added Ann>Bob', 'left Bob'])
    expect(lines(admin, names)).toEqual(['created Ann>', 'left Bob', 'left Ann', 'admin Cat'])
    expect(lines(cat!, names)).toEqual(['added Ann>Cat', 'gone Bob', 'gone Ann', 'admin Cat'])
  })

  it('refuses a message whose author is not a member, and a forged signature', async () => {
    const { hub, admin, rest } = await group(['Ann', 'Bob'])
    const { groupId } = await createGroup(admin, 'Pair', rest.map((m) => m.userId))
    const [bob] = rest
    await eventually(async () => { await admin.groups.send(groupId, 'real'); return (await log(bob!, groupId)).some((l) => l.endsWith(':real')) }).toBe(true)
    const real = (await admin.groups.messages(groupId)).find((m) => m.text === 'real')!
    const message = decodeGroupMessage(real.encoded)
    const body = message.body.slice()
    body[body.length - 1]! ^= 1
    const forged = encodeGroupMessage({ ...message, body, id: '' })
    const topic = [...hub.get(bob!.userId).topics][0]!
    expect(await bob!.validateGroupMessage(topic, forged)).toBe('reject')
    expect(await bob!.validateGroupMessage(topic, new Uint8Array([9, 9, 9]))).toBe('reject')
  })

  it('bad input to group operations is a clear error and changes nothing', async () => {
    const { admin, rest } = await group(['Ann', 'Bob'])
    await expect(createGroup(admin, '   ', [rest[0]!.userId])).rejects.toThrow()
    await expect(createGroup(admin, 'Nobody', [])).rejects.toThrow(/at least one member/)
    await expect(createGroup(admin, 'Strangers', ['mmnotanid'])).rejects.toThrow(/Only contacts/)
    expect(admin.groups.list()).toHaveLength(0)
  })
})
