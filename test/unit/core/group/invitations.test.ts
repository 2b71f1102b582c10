import { describe, expect, it } from 'vitest'
import {
  createGroupState, holdInvitation, MAX_INVITATIONS, MAX_INVITATIONS_PER_INVITER, withMemberAdded, type PendingInvitation
} from '../../../../src/core/group/index.ts'
import { createIdentity } from '../../../../src/core/identity.ts'
import { encodeUserId } from '../../../../src/core/user-id.ts'

const person = (name: string) => ({ userId: encodeUserId(createIdentity().publicKey), name })
const me = person('Me')
const invitation = (from: { userId: string, name: string }, at = 1): PendingInvitation => {
  const state = createGroupState('Trip', from, [me])
  return { from: from.userId, groupId: state.groupId, state, receivedAt: at }
}
const held = (result: ReturnType<typeof holdInvitation>): PendingInvitation[] => {
  if (!result.ok) throw new Error(`refused: ${result.reason}`)
  return result.invitations
}

describe('held group invitations', () => {
  it('holds a few per inviter and refuses the next, keeping the held ones', () => {
    const stranger = person('Stranger')
    let list: PendingInvitation[] = []
    for (let i = 0; i < MAX_INVITATIONS_PER_INVITER; i++) list = held(holdInvitation(list, invitation(stranger)))
    expect(holdInvitation(list, invitation(stranger))).toEqual({ ok: false, reason: 'per-inviter' })
    expect(list).toHaveLength(MAX_INVITATIONS_PER_INVITER)
    // Someone else still gets through.
    expect(held(holdInvitation(list, invitation(person('Other'))))).toHaveLength(MAX_INVITATIONS_PER_INVITER + 1)
  })

  it('holds a few in all, whoever sends them', () => {
    let list: PendingInvitation[] = []
    for (let i = 0; i < MAX_INVITATIONS; i++) list = held(holdInvitation(list, invitation(person(`P${i}`))))
    expect(holdInvitation(list, invitation(person('Late')))).toEqual({ ok: false, reason: 'full' })
  })

  it('a newer state of a held group replaces it; a replay of an old one changes nothing', () => {
    const stranger = person('Stranger')
    const first = invitation(stranger, 1)
    const newer = { ...first, state: withMemberAdded(first.state, person('Dan')), receivedAt: 2 }
    let list = held(holdInvitation([], first))
    list = held(holdInvitation(list, newer))
    expect(list).toEqual([newer])
    expect(held(holdInvitation(list, first))).toEqual([newer])
  })
})
