import { describe, expect, it } from 'vitest'
import { SendError } from '../../../src/app/conversations.ts'
import { GroupError } from '../../../src/app/groups/group-context.ts'
import { addUserRelay, parseRelayAddress, RelayAddressError } from '../../../src/app/relay-list.ts'
import { PushGatewayError } from '../../../src/app/push/push-client.ts'
import { KeyChangedError } from '../../../src/app/session-crypto.ts'
import { parseContactInput } from '../../../src/core/invite.ts'
import { decodeUserId } from '../../../src/core/user-id.ts'
import { createTranslator } from '../../../src/ui/i18n/catalogue.ts'
import { en } from '../../../src/ui/i18n/en.ts'
import { zhCN } from '../../../src/ui/i18n/zh-CN.ts'
import { describeError, describeNotice } from '../../../src/ui/i18n/errors.ts'

const english = createTranslator('en', en).t
const chinese = createTranslator('zh-CN', zhCN).t

function thrown (f: () => unknown): unknown {
  try { f() } catch (err) { return err }
  throw new Error('expected a throw')
}

describe('errors in the person\'s language', () => {
  it('words an app error by name and reason, in English exactly as the app says it', () => {
    const errors = [
      new SendError('empty', 'An empty message is not sent.'),
      new SendError('key-changed', 'x', { contactName: 'Bob' }),
      new GroupError('not-admin', 'x'),
      new KeyChangedError('Bob'),
      thrown(() => parseRelayAddress('/ip4/127.0.0.1/tcp/1')),
      thrown(() => parseRelayAddress('nonsense')),
      thrown(() => decodeUserId('mmabc')),
      thrown(() => parseContactInput('hello there'))
    ]
    for (const err of errors.filter((e) => (e as Error).message !== 'x')) {
      expect(describeError(err, english)).toBe((err as Error).message)
    }
    expect(describeError(errors[1], english)).toBe("Bob's security key changed. Compare safety numbers and accept the new key before writing.")
    expect(describeError(errors[2], english)).toBe("Only the group's admin adds and removes members.")
  })

  it('words the same errors in Chinese, with their values', () => {
    expect(describeError(new SendError('key-changed', 'x', { contactName: 'Bob' }), chinese)).toBe('Bob 的安全密钥已更改。请先核对安全码并接受新密钥，然后再发消息。')
    expect(describeError(thrown(() => parseRelayAddress('nonsense')), chinese)).toContain('“nonsense”不是中继地址')
    expect(describeError(thrown(() => decodeUserId('mmabc')), chinese)).toBe('这个 Murmur ID 好像输错了：有 5 个字符，而应为 57 个。请逐个字符核对，或向对方要邀请链接。')
    expect(describeError(new PushGatewayError(0, 'x'), chinese)).toBe('无法连接到中继的推送网关；请检查网络连接后重试。')
  })

  it('keeps the message of an error it does not know, or of a reason it has no words for', () => {
    expect(describeError(new TypeError('Failed to fetch'), chinese)).toBe('Failed to fetch')
    expect(describeError(new PushGatewayError(410, 'The relay\'s push gateway refused: gone'), chinese)).toBe('The relay\'s push gateway refused: gone')
    expect(describeError('plain text', chinese)).toBe('plain text')
  })

  it('a duplicate relay is refused with its reason', () => {
    const storage = new Map<string, string>()
    const kv = { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => { storage.set(k, v) } }
    const addr = '/ip4/127.0.0.1/tcp/8081/ws/p2p/12D3KooWLRPJAA5o6Z6yhZXaBY4tnu8u1RvS2uVrRDGkP3WWBeUH'
    addUserRelay(kv, addr)
    const err = thrown(() => addUserRelay(kv, addr))
    expect(err).toBeInstanceOf(RelayAddressError)
    expect(describeError(err, chinese)).toBe('这个中继已在列表中。')
  })

  it('words the app\'s notices from their code', () => {
    expect(describeNotice({ code: 'no-mailbox', params: { name: 'Dan' } }, english)).toMatch(/^Dan is offline and has no mailbox/)
    expect(describeNotice({ code: 'no-mailbox', params: { name: 'Dan' } }, chinese)).toMatch(/^Dan 不在线/)
    expect(describeNotice({ code: 'mailbox-write-failed', params: { error: new GroupError('no-group', 'No such group.') } }, chinese)).toBe('没有这个群组。')
  })
})
