import { describe, expect, it } from 'vitest'
import { appendEvents, createGroupState, membershipEvents, MAX_MEMBERSHIP_EVENTS, withMemberAdded, withMemberRemoved, type MembershipEvent } from '../../../../src/core/group/index.ts'
import { createIdentity } from '../../../../src/core/identity.ts'
import { encodeUserId } from '../../../../src/core/user-id.ts'

const person = (name: string) => ({ userId: encodeUserId(createIdentity().publicKey), name })
const [ann, bob, cat, dan] = [person('Ann'), person('Bob'), person('Cat'), person('Dan')]
const AT = 1_800_000_000_000
const start = createGroupState('Trip', ann, [bob, cat])
/** "type by>who" with first names, as the log says it. */
const said = (events: MembershipEvent[]): string[] => {
  const name = (id: string): string => [ann, bob, cat, dan].find((p) => p.userId === id)!.name
  return events.map((e) => `${e.type} ${'by' in e ? `${name(e.by)}>` : ''}${'who' in e ? name(e.who) : ''}`)
}

describe('membership status lines', () => {
  it('joining: the admin made it, anyone else was added by the admin', () => {
    expect(said(membershipEvents(undefined, start, ann.userId, AT))).toEqual(['created Ann>'])
    expect(said(membershipEvents(undefined, start, bob.userId, AT))).toEqual(['added Ann>Bob'])
    expect(membershipEvents(undefined, start, bob.userId, AT)[0]).toMatchObject({ at: AT, byName: 'Ann', whoName: 'Bob' })
  })

  it('an addition names the admin and the newcomer', () => {
    expect(said(membershipEvents(start, withMemberAdded(start, dan), cat.userId, AT))).toEqual(['added Ann>Dan'])
  })

  it('a departure says why only when the caller knows it, and keeps the name of who went', () => {
    const without = withMemberRemoved(start, cat.userId)
    expect(said(membershipEvents(start, without, bob.userId, AT))).toEqual(['gone Cat'])
    expect(said(membershipEvents(start, without, ann.userId, AT, 'removed'))).toEqual(['removed Ann>Cat'])
    expect(said(membershipEvents(start, without, ann.userId, AT, 'left'))).toEqual(['left Cat'])
    expect(membershipEvents(start, without, bob.userId, AT)[0]).toMatchObject({ whoName: 'Cat' })
  })

  it('an admin who goes hands the group on, and that is a line too', () => {
    const without = withMemberRemoved(start, ann.userId)
    expect(said(membershipEvents(start, without, cat.userId, AT))).toEqual(['gone Ann', `admin ${without.admin === bob.userId ? 'Bob' : 'Cat'}`])
  })

  it('the same state again says nothing', () => {
    expect(membershipEvents(start, start, bob.userId, AT)).toEqual([])
  })

  it('keeps at most MAX_MEMBERSHIP_EVENTS lines, the newest', () => {
    const line = (i: number): MembershipEvent => ({ type: 'gone', at: i, who: cat.userId, whoName: 'Cat' })
    let events: MembershipEvent[] | undefined
    for (let i = 0; i < MAX_MEMBERSHIP_EVENTS + 5; i++) events = appendEvents(events, [line(i)])
    expect(events).toHaveLength(MAX_MEMBERSHIP_EVENTS)
    expect(events![0]!.at).toBe(5)
    expect(events!.at(-1)!.at).toBe(MAX_MEMBERSHIP_EVENTS + 4)
  })
})
