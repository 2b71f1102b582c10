// Issue 15, item 10: sender keys were filed by signing key alone, first come first served.
// A member X who forwarded Y's distribution (every member receives it) before Y's own
// reached us owned Y's key: Y's real distribution was then ignored, and Y's messages were
// rejected or waited for good. And a message under a key we did not hold yet was stored and
// shown as "Waiting for Y's key" under the name its author field claimed, whoever wrote it.
// Before the fix the four scenarios below failed (Y's messages stayed unread, and the view
// named Y for messages nobody had shown to be Y's).
import { describe, expect, it } from 'vitest'
import { render } from 'svelte/server'
import GroupLog from '../../../src/ui/components/groups/GroupLog.svelte'
import {
  acceptSenderKey, ensureSenderKey, judgeGroupMessage, newGroupRecord, openGroupMessage, reopenWaiting
} from '../../../src/core/group/group-record.ts'
import {
  createGroupMessage, createGroupState, encodeGroupContent, encodeGroupMessage, encryptGroupMessage, groupMessageHeader,
  senderKeyDistribution, type GroupMember, type SenderKey
} from '../../../src/core/group/index.ts'
import type { StoredGroup, StoredGroupMessage } from '../../../src/core/ports/index.ts'
import { createIdentity } from '../../../src/core/identity.ts'
import { encodeUserId } from '../../../src/core/user-id.ts'
import { englishContext } from './support.ts'

const member = (name: string): GroupMember => ({ userId: encodeUserId(createIdentity().publicKey), name })
const [zoe, xan, yul] = [member('Zoe'), member('Xan'), member('Yul')] as [GroupMember, GroupMember, GroupMember]
const NAMES = new Map([[zoe.userId, 'Zoe'], [xan.userId, 'Xan'], [yul.userId, 'Yul']])
const T = 1_800_000_000_000
const state = createGroupState('Keys', zoe, [xan, yul])
const keyOf = (): SenderKey => ensureSenderKey(newGroupRecord(state, T), T, true).group.senderKey!.key

/** A message with `author` in its header, sealed and signed with `key`. */
function sealed (author: string, key: SenderKey, text: string, clock = 1) {
  const fields = { author, clock, parents: [] }
  const out = encryptGroupMessage(key, encodeGroupContent({ sentAt: T, text }), groupMessageHeader(fields))
  return { key: out.senderKey, message: createGroupMessage({ ...fields, body: out.message }) }
}

/** What Zoe stores for a delivered message, as the group inbox does. */
function receive (group: StoredGroup, m: ReturnType<typeof sealed>['message']): { group: StoredGroup, row: StoredGroupMessage | undefined } {
  if (judgeGroupMessage(group, m, zoe.userId) === 'reject') return { group, row: undefined }
  return openGroupMessage(group, m, encodeGroupMessage(m), T)
}

/** A key arrived: rows that waited are opened again (what the key exchange commits). */
function reopen (group: StoredGroup, rows: StoredGroupMessage[]): { group: StoredGroup, rows: StoredGroupMessage[] } {
  const { group: next, opened } = reopenWaiting(group, rows, T)
  return { group: next, rows: rows.map((row) => opened.find((o) => o.id === row.id) ?? row) }
}

/** The names the group view shows for these rows. */
function shownNames (rows: StoredGroupMessage[]): string[] {
  const html = render(GroupLog, { context: englishContext(), props: { messages: rows, self: zoe.userId, nameOf: (id: string) => NAMES.get(id) ?? id } }).body
  return [...NAMES.values()].filter((name) => html.includes(name))
}

describe('group sender keys', () => {
  it('X presenting Y\'s signing key first does not make it X\'s: Y\'s distribution and messages still count as Y\'s', () => {
    const ys = keyOf()
    let group = newGroupRecord(state, T)
    // Xan forwards Yul's distribution as his own before Yul's reaches Zoe.
    group = acceptSenderKey(group, xan.userId, 1, senderKeyDistribution(ys))
    group = acceptSenderKey(group, yul.userId, 1, senderKeyDistribution(ys))
    const hello = sealed(yul.userId, ys, 'hello from Yul')
    expect(judgeGroupMessage(group, hello.message, zoe.userId)).toBe('accept')
    const got = receive(group, hello.message)
    expect(got.row).toMatchObject({ author: yul.userId, text: 'hello from Yul' })
    expect(shownNames([got.row!])).toEqual(['Yul'])
  })

  it('X presenting Y\'s signing key after Y changes nothing for Y, and lets X write nothing as Y', () => {
    const ys = keyOf()
    let group = acceptSenderKey(newGroupRecord(state, T), yul.userId, 1, senderKeyDistribution(ys))
    group = acceptSenderKey(group, xan.userId, 1, senderKeyDistribution(ys))
    expect(receive(group, sealed(yul.userId, ys, 'still Yul').message).row?.text).toBe('still Yul')
    // Xan holds Yul's chain key (every member does) but not Yul's signing key.
    const xs = keyOf()
    const forged = sealed(yul.userId, xs, 'Xan pretending')
    const withXans = acceptSenderKey(group, xan.userId, 1, senderKeyDistribution(xs))
    expect(judgeGroupMessage(withXans, forged.message, zoe.userId)).not.toBe('accept')
    expect(receive(withXans, forged.message).row?.text).toBeUndefined()
  })

  it('a distribution arriving for a key opens only the waiting messages its sender wrote', () => {
    const ys = keyOf()
    let group = newGroupRecord(state, T)
    const genuine = sealed(yul.userId, ys, 'Yul, before his key came')
    const first = receive(group, genuine.message)
    group = first.group
    expect(first.row?.unreadable).toBe('waiting-key')
    // Xan's copy of Yul's key arrives first: Yul's message must not open under Xan.
    let after = reopen(acceptSenderKey(group, xan.userId, 1, senderKeyDistribution(ys)), [first.row!])
    expect(after.rows[0]?.text).toBeUndefined()
    expect(shownNames(after.rows)).toEqual([])
    // Yul's own distribution opens it, as Yul's.
    after = reopen(acceptSenderKey(after.group, yul.userId, 1, senderKeyDistribution(ys)), after.rows)
    expect(after.rows[0]).toMatchObject({ author: yul.userId, text: 'Yul, before his key came' })
    expect(shownNames(after.rows)).toEqual(['Yul'])
  })

  it('a message naming Y as author but signed with X\'s key never enters the history under Y\'s name', () => {
    const xs = keyOf()
    let group = newGroupRecord(state, T)
    const forged = sealed(yul.userId, xs, 'words put in Yul\'s mouth')
    const got = receive(group, forged.message)
    group = got.group
    expect(got.row?.text).toBeUndefined()
    expect(shownNames([got.row!])).toEqual([])
    // Xan's key arrives (he signed it): still not Yul's, and still unread.
    const after = reopen(acceptSenderKey(group, xan.userId, 1, senderKeyDistribution(xs)), [got.row!])
    expect(after.rows[0]?.text).toBeUndefined()
    expect(shownNames(after.rows)).toEqual([])
  })

  it('a message under a key nobody presented yet is shown under no name until its author\'s key opens it', () => {
    const ys = keyOf()
    const early = sealed(yul.userId, ys, 'early')
    const got = receive(newGroupRecord(state, T), early.message)
    expect(got.row?.unreadable).toBe('waiting-key')
    expect(shownNames([got.row!])).toEqual([])
    const after = reopen(acceptSenderKey(got.group, yul.userId, 1, senderKeyDistribution(ys)), [got.row!])
    expect(shownNames(after.rows)).toEqual(['Yul'])
  })
})
