import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isWellFormedText, Writer } from '../../../src/core/codec.ts'
import { CHAT_PAYLOAD_MAX_BYTES, decodeChatPayload, encodeChatPayload, type ChatPayload } from '../../../src/core/chat-payload.ts'
import { isTypedError, prefixThenNoise, thrown } from './support.ts'

const ID = new Uint8Array(16).fill(0xab)
const OTHER = new Uint8Array(16).fill(0xcd)
const SENT = Date.UTC(2025, 0, 1)
const message: ChatPayload = { kind: 'message', id: ID, sentAt: SENT, name: 'Alice', text: 'Hi Bob!\nHow are you? 👋' }
const receipt: ChatPayload = { kind: 'receipts', id: ID, sentAt: SENT, delivered: [OTHER], read: [ID, OTHER] }
const group: ChatPayload = { kind: 'group', id: ID, sentAt: SENT, control: Uint8Array.of(1, 4, 2, 0x61, 0x62) }
const push: ChatPayload = { kind: 'push', id: ID, sentAt: SENT, gateway: 'https://relay.example:8443', token: 'AbC-_09xyzAbC-_09xyzAb' }
const withdrawn: ChatPayload = { ...push, gateway: '', token: '' }

const expectMalformed = (fn: () => unknown, field?: string): void => {
  const err = thrown(fn)
  expect(err).toMatchObject({ name: 'InvalidEnvelopeError', reason: 'malformed' })
  if (field !== undefined) expect(err.field).toBe(field)
}
const messageWith = (name: string | Uint8Array, text: string | Uint8Array): Uint8Array => {
  const w = new Writer().u8(1).u8(1).bytes(ID).uvarint(SENT)
  if (typeof name === 'string') w.string(name)
  else w.bytes(name)
  if (typeof text === 'string') w.string(text)
  else w.bytes(text)
  return w.finish()
}

describe('chat payload', () => {
  it.for([message, receipt, group, push, withdrawn])('$kind round-trips', (payload) => {
    expect(decodeChatPayload(encodeChatPayload(payload))).toEqual(payload)
  })

  it('refuses a group payload with no control or one over its cap', () => {
    expectMalformed(() => encodeChatPayload({ ...group, control: new Uint8Array(0) }), 'control')
    expectMalformed(() => encodeChatPayload({ ...group, control: new Uint8Array(15 * 1024 + 1) }), 'control')
    expectMalformed(() => decodeChatPayload(new Writer().u8(1).u8(5).bytes(ID).uvarint(SENT).bytes(new Uint8Array(0)).finish()), 'control')
  })

  it('keeps text as written and trims the name', () => {
    expect(decodeChatPayload(encodeChatPayload({ ...message, name: '  Alice ', text: '  spaced  ' }))).toMatchObject({ name: 'Alice', text: '  spaced  ' })
  })

  it('property: decode(encode(x)) = x', () => {
    const valid = fc.record({
      id: fc.uint8Array({ minLength: 16, maxLength: 16 }),
      sentAt: fc.nat(),
      name: fc.stringMatching(/^[A-Za-z][A-Za-z ]{0,30}[A-Za-z]$/),
      text: fc.string({ minLength: 1, maxLength: 200 }).filter((t) => t.trim().length > 0 && isWellFormedText(t))
    })
    fc.assert(fc.property(valid, (f) => {
      const p: ChatPayload = { kind: 'message', ...f }
      expect(decodeChatPayload(encodeChatPayload(p))).toEqual(p)
    }))
  })

  it('rejects truncation at every length, trailing bytes, unknown version and kind, wrong id lengths', () => {
    for (const payload of [message, receipt, push]) {
      const bytes = encodeChatPayload(payload)
      for (let n = 0; n < bytes.length; n++) expectMalformed(() => decodeChatPayload(bytes.subarray(0, n)))
      const trailing = new Uint8Array(bytes.length + 1)
      trailing.set(bytes)
      expectMalformed(() => decodeChatPayload(trailing), 'payload')
    }
    expectMalformed(() => decodeChatPayload(new Writer().u8(2).u8(1).finish()), 'version')
    // 2 was the single receipt of earlier builds: retired, refused like any unknown kind.
    for (const kind of [0, 2, 200, 255]) expectMalformed(() => decodeChatPayload(new Writer().u8(1).u8(kind).finish()), 'kind')
    expectMalformed(() => decodeChatPayload(new Writer().u8(1).u8(3).bytes(new Uint8Array(15)).finish()), 'id')
    expectMalformed(() => decodeChatPayload(new Writer().u8(1).u8(3).bytes(ID).uvarint(1).uvarint(1).bytes(new Uint8Array(17)).finish()), 'delivered')
    expectMalformed(() => decodeChatPayload(new Writer().u8(1).u8(3).bytes(ID).uvarint(1).uvarint(0).uvarint(0).finish()), 'delivered')
    expectMalformed(() => decodeChatPayload(new Writer().u8(1).u8(3).bytes(ID).uvarint(1).uvarint(257).finish()), 'delivered')
  })

  it('rejects text that is empty, blank, over 4000 characters or not UTF-8, and bad names', () => {
    expect(decodeChatPayload(messageWith('A', '€'.repeat(4000))).kind).toBe('message')
    for (const text of ['', ' \n\t ', 'x'.repeat(4001)]) expectMalformed(() => decodeChatPayload(messageWith('A', text)), 'text')
    expectMalformed(() => decodeChatPayload(messageWith('A', new Uint8Array([0x68, 0x80]))), 'text')
    for (const name of ['', 'n'.repeat(65), 'a\u0000b', 'a\u202eb']) expectMalformed(() => decodeChatPayload(messageWith(name, 'hi')), 'name')
  })

  it('refuses oversize input before decoding, and random bytes only with typed errors', () => {
    expect(thrown(() => decodeChatPayload(new Uint8Array(CHAT_PAYLOAD_MAX_BYTES + 1)))).toMatchObject({ reason: 'oversize' })
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), prefixThenNoise(encodeChatPayload(message))), (bytes) => {
      try { decodeChatPayload(bytes) } catch (err) { expect(isTypedError(err)).toBe(true) }
    }))
  })

  it('a push note names an https gateway origin (http on loopback only) and a base64url token, or withdraws with both empty', () => {
    for (const gateway of ['http://127.0.0.1:8080', 'http://localhost:3000', 'http://[::1]:9', 'https://relay.example']) {
      expect(decodeChatPayload(encodeChatPayload({ ...push, gateway }))).toMatchObject({ kind: 'push', gateway })
    }
    const pushBytes = (gateway: string, token: string): Uint8Array =>
      new Writer().u8(1).u8(4).bytes(ID).uvarint(SENT).string(gateway).string(token).finish()
    for (const gateway of ['http://relay.example', 'https://relay.example/push/poke', 'https://relay.example/', 'https://user@relay.example',
      'javascript:alert(1)', 'ftp://relay.example', 'https://relay.example:99999', 'https://' + 'a'.repeat(300) + '.example', 'relay.example']) {
      expectMalformed(() => encodeChatPayload({ ...push, gateway }), 'gateway')
      expectMalformed(() => decodeChatPayload(pushBytes(gateway, 'abc')), 'gateway')
    }
    for (const token of ['has space', 'a/b', 'a+b=', 'x'.repeat(257), '']) {
      expectMalformed(() => encodeChatPayload({ ...push, token }), 'token')
      if (token.length <= 256) expectMalformed(() => decodeChatPayload(pushBytes('https://relay.example', token)), 'token')
    }
    // A withdrawal has both fields empty: a token without its gateway is refused.
    expectMalformed(() => encodeChatPayload({ ...push, gateway: '' }), 'token')
    expectMalformed(() => decodeChatPayload(pushBytes('', 'abc')), 'token')
    expectMalformed(() => decodeChatPayload(pushBytes('https://relay.example', 'x'.repeat(257))), 'token')
  })

  it('the encoder refuses what a receiver would refuse', () => {
    expectMalformed(() => encodeChatPayload({ ...message, text: '   ' }), 'text')
    expectMalformed(() => encodeChatPayload({ ...message, text: 'lone \uD800' }), 'text')
    expectMalformed(() => encodeChatPayload({ ...message, name: '' }), 'name')
    expectMalformed(() => encodeChatPayload({ ...message, id: new Uint8Array(8) }), 'id')
    expectMalformed(() => encodeChatPayload({ ...receipt, delivered: [new Uint8Array(1)] }), 'delivered')
    expectMalformed(() => encodeChatPayload({ ...receipt, read: Array.from({ length: 257 }, () => ID) }), 'read')
    expectMalformed(() => encodeChatPayload({ ...receipt, delivered: [], read: [] }), 'delivered')
    expectMalformed(() => encodeChatPayload({ ...message, sentAt: -1 }), 'sentAt')
  })
})
