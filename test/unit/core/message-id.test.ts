import { describe, expect, it } from 'vitest'
import { messageIdFromString, messageIdToString, newMessageId } from '../../../src/core/message-id.ts'
import { thrown } from './support.ts'

describe('message ids', () => {
  it('are 16 bytes from the random source', () => {
    expect(newMessageId(() => new Uint8Array(16).fill(7))).toEqual(new Uint8Array(16).fill(7))
    expect(newMessageId()).toHaveLength(16)
    expect(newMessageId()).not.toEqual(newMessageId())
    expect(() => newMessageId(() => new Uint8Array(8))).toThrow(TypeError)
  })

  it('print as lowercase hex and read back', () => {
    const id = Uint8Array.from({ length: 16 }, (_, i) => i * 17)
    expect(messageIdToString(id)).toBe('00112233445566778899aabbccddeeff')
    expect(messageIdFromString('00112233445566778899aabbccddeeff')).toEqual(id)
    expect(thrown(() => messageIdFromString('0011'))).toMatchObject({ name: 'DecodeError', field: 'messageId' })
  })
})
