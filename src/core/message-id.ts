import { fromString, toString } from 'uint8arrays'
import { randomBytes, type RandomSource } from '../crypto/index.ts'
import { DecodeError } from './errors.ts'

/** 16 random bytes: the same id on both sides, so duplicates fold and receipts match. */
export const MESSAGE_ID_BYTES = 16

export function newMessageId (random: RandomSource = randomBytes): Uint8Array {
  const id = Uint8Array.from(random(MESSAGE_ID_BYTES))
  if (id.length !== MESSAGE_ID_BYTES) throw new TypeError(`random source returned ${id.length} bytes, not ${MESSAGE_ID_BYTES}`)
  return id
}

export function messageIdToString (id: Uint8Array): string {
  return toString(id, 'hex')
}

/** The inverse of messageIdToString, for ids read back from storage. */
export function messageIdFromString (text: string): Uint8Array {
  if (typeof text !== 'string' || !/^[0-9a-f]{32}$/.test(text)) throw new DecodeError('messageId', 'must be 32 lowercase hex digits')
  return fromString(text, 'hex')
}
