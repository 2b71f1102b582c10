import { describe, expect, it } from 'vitest'
import {
  createGroupState, decodeGroupControl, isGroupMessageControl, decodeGroupState, encodeGroupControl, encodeGroupState, groupTopic,
  judgeStateUpdate, withMemberAdded, withMemberRemoved, MAX_GROUP_MEMBERS, type GroupControl, type GroupMember
} from '../../../../src/core/group/index.ts'
import { createIdentity } from '../../../../src/core/identity.ts'
import { encodeUserId } from '../../../../src/core/user-id.ts'

const person = (name: string): GroupMember => ({ userId: encodeUserId(createIdentity().publicKey), name })
const [ann, bob, cat] = [person('Ann'), person('Bob'), person('Cat')]

describe('group state', () => {
  it('starts with the admin among sorted members, epoch 1, and a topic that hides the secret', () => {
    const s = createGroupState('  Climbing ', ann!, [bob!, cat!, bob!])
    expect(s.name).toBe('Climbing')
    expect(s.admin).toBe(ann!.userId)
    expect(s.epoch).toBe(1)
    expect(s.members.map((m) => m.userId)).toEqual([ann!, bob!, cat!].map((m) => m.userId).sort())
    expect(groupTopic(s)).toMatch(/^\/murmur\/group\/1\/[0-9a-f]{64}$/)
    expect(groupTopic(s)).not.toContain(Buffer.from(s.secret).toString('hex'))
    expect(decodeGroupState(encodeGroupState(s))).toEqual(s)
  })

  it('keeps the secret when adding and changes it when removing; the admin hands on when it leaves', () => {
    const s = createGroupState('Trip', ann!, [bob!])
    const added = withMemberAdded(s, cat!)
    expect(added.epoch).toBe(2)
    expect(added.secret).toEqual(s.secret)
    const removed = withMemberRemoved(added, cat!.userId)
    expect(removed.epoch).toBe(3)
    expect(removed.secret).not.toEqual(s.secret)
    expect(groupTopic(removed)).not.toBe(groupTopic(s))
    const handedOn = withMemberRemoved(added, ann!.userId)
    expect(handedOn.admin).toBe([bob!, cat!].map((m) => m.userId).sort()[0])
    expect(() => withMemberAdded(added, bob!)).toThrow(/already/)
    expect(() => withMemberRemoved(s, cat!.userId)).toThrow(/not in the group/)
    expect(() => withMemberRemoved(createGroupState('Solo', ann!, []), ann!.userId)).toThrow(/last member/)
  })

  it('takes a state only from the admin, only forward, and a repeat as the same', () => {
    const s = createGroupState('Trip', ann!, [bob!])
    expect(judgeStateUpdate(undefined, s, ann!.userId)).toBe('apply')
    expect(() => judgeStateUpdate(undefined, s, bob!.userId)).toThrow(/does not run the group/)
    expect(judgeStateUpdate(s, s, ann!.userId)).toBe('same')
    const next = withMemberAdded(s, cat!)
    expect(judgeStateUpdate(s, next, ann!.userId)).toBe('apply')
    expect(() => judgeStateUpdate(next, s, ann!.userId)).toThrow(/out-of-date/)
    expect(() => judgeStateUpdate(s, { ...withMemberAdded(s, cat!), name: 'Other' }, bob!.userId)).toThrow(/does not run the group/)
    // A different state under the same epoch is a conflict, never taken.
    expect(() => judgeStateUpdate(next, { ...next, name: 'Renamed' }, ann!.userId)).toThrow(/out-of-date/)
  })

  it('refuses malformed states', () => {
    const s = createGroupState('Trip', ann!, [bob!])
    const bytes = encodeGroupState(s)
    expect(() => decodeGroupState(bytes.subarray(0, bytes.length - 3))).toThrow(/malformed/)
    expect(() => decodeGroupState(Uint8Array.of(...bytes, 1))).toThrow(/malformed/)
    expect(() => encodeGroupState({ ...s, admin: cat!.userId })).toThrow(/admin outside/)
    expect(() => encodeGroupState({ ...s, members: [...s.members].reverse() })).toThrow(/malformed/)
    expect(() => encodeGroupState({ ...s, members: [{ userId: 'mm-not-an-id', name: 'X' }, ...s.members] })).toThrow(/malformed/)
    const many = Array.from({ length: MAX_GROUP_MEMBERS }, (_, i) => person(`P${i}`))
    expect(() => createGroupState('Big', ann!, many)).toThrow(/at most 32/)
  })
})

describe('group control', () => {
  it('reads back every kind and refuses what is not one', () => {
    const s = createGroupState('Trip', ann!, [bob!])
    const controls: GroupControl[] = [
      { type: 'state', state: s },
      { type: 'removed', groupId: s.groupId, epoch: 3 },
      { type: 'sender-key', groupId: s.groupId, epoch: 1, distribution: new Uint8Array(72).fill(7) },
      { type: 'leave', groupId: s.groupId },
      { type: 'key-request', groupId: s.groupId },
      { type: 'message', groupId: s.groupId, message: Uint8Array.of(1, 2, 3) }
    ]
    for (const c of controls) expect(decodeGroupControl(encodeGroupControl(c))).toEqual(c)
    // Only a group message is worth waking someone for (a push after a mailbox write).
    expect(controls.map((c) => isGroupMessageControl(encodeGroupControl(c)))).toEqual([false, false, false, false, false, true])
    expect(() => decodeGroupControl(Uint8Array.of(1, 99))).toThrow(/malformed/)
    expect(() => decodeGroupControl(Uint8Array.of(2, 4))).toThrow(/malformed/)
    const leave = encodeGroupControl({ type: 'leave', groupId: s.groupId })
    expect(() => decodeGroupControl(Uint8Array.of(...leave, 0))).toThrow(/malformed/)
    expect(() => encodeGroupControl({ type: 'leave', groupId: 'XYZ' })).toThrow(/malformed/)
    expect(() => encodeGroupControl({ type: 'sender-key', groupId: s.groupId, epoch: 1, distribution: new Uint8Array(500) })).toThrow(/malformed/)
    expect(() => encodeGroupControl({ type: 'removed', groupId: s.groupId, epoch: 0 })).toThrow(/malformed/)
    expect(() => encodeGroupControl({ type: 'message', groupId: s.groupId, message: new Uint8Array(0) })).toThrow(/malformed/)
    expect(() => encodeGroupControl({ type: 'message', groupId: s.groupId, message: new Uint8Array(14 * 1024 + 1) })).toThrow(/malformed/)
  })
})
