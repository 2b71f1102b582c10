import { describe, expect, it } from 'vitest'
import type { MembershipEvent } from '../../../src/core/group/index.ts'
import type { StoredGroupMessage } from '../../../src/core/ports/index.ts'
import { createTranslator } from '../../../src/ui/i18n/catalogue.ts'
import { en } from '../../../src/ui/i18n/en.ts'
import { zhCN } from '../../../src/ui/i18n/zh-CN.ts'
import { groupEventText, groupLogLines } from '../../../src/ui/state/group-log-lines.ts'

const message = (id: string, sentAt?: number): StoredGroupMessage =>
  ({ id, groupId: 'g', author: 'a', clock: 1, encoded: new Uint8Array(), text: id, ...(sentAt == null ? {} : { sentAt }) })
const gone = (at: number, who = 'cat'): MembershipEvent => ({ type: 'gone', at, who, whoName: who })
const shown = (lines: ReturnType<typeof groupLogLines>): string[] =>
  lines.map((l) => l.kind === 'message' ? l.message.id : `[${l.event.at}]`)

describe('a group log with status lines', () => {
  it('puts each line before the first message sent after it, and never moves a message', () => {
    const messages = [message('m1', 10), message('m2', 30), message('m3', 20), message('m4')]
    expect(shown(groupLogLines(messages, [gone(25), gone(5), gone(40)]))).toEqual(['[5]', 'm1', '[25]', 'm2', 'm3', 'm4', '[40]'])
  })

  it('keeps lines of one time in the order they were kept, with keys that differ', () => {
    const lines = groupLogLines([], [gone(7, 'x'), gone(7, 'y')])
    expect(lines.map((l) => l.kind === 'event' && 'who' in l.event ? l.event.who : '')).toEqual(['x', 'y'])
    expect(new Set(lines.map((l) => l.key)).size).toBe(2)
  })

  it('says who did what, as "you" where it was us, with a contact\'s local name over the kept one', () => {
    const { t } = createTranslator('en', en)
    const nameOf = (id: string, kept: string): string => id === 'dan' ? 'Danny' : kept
    const added: MembershipEvent = { type: 'added', at: 1, by: 'ann', byName: 'Ann', who: 'dan', whoName: 'Dan' }
    expect(groupEventText(added, 'bob', t, nameOf)).toBe('Ann added Danny')
    expect(groupEventText(added, 'ann', t, nameOf)).toBe('You added Danny')
    expect(groupEventText(added, 'dan', t, nameOf)).toBe('Ann added you')
    const removed: MembershipEvent = { type: 'removed', at: 1, by: 'ann', byName: 'Ann', who: 'cat', whoName: 'Cat' }
    expect(groupEventText(removed, 'ann', t, nameOf)).toBe('You removed Cat')
    expect(groupEventText(removed, 'cat', t, nameOf)).toBe('Ann removed you')
    expect(groupEventText({ type: 'left', at: 1, who: 'cat', whoName: 'Cat' }, 'bob', t, nameOf)).toBe('Cat left')
    expect(groupEventText(gone(1, 'cat'), 'bob', t, nameOf)).toBe('cat is no longer in the group')
    expect(groupEventText({ type: 'admin', at: 1, who: 'bob', whoName: 'Bob' }, 'bob', t, nameOf)).toBe('You are the admin now')
    const zh = createTranslator('zh-CN', zhCN).t
    expect(groupEventText(added, 'bob', zh, nameOf)).toBe('Ann 添加了 Danny')
  })
})
