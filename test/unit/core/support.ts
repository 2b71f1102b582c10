import fc, { type Arbitrary } from 'fast-check'
import { createIdentity, type Identity } from '../../../src/core/identity.ts'

/** A deterministic identity: the seed is `seedByte` repeated, so tests never depend on luck. */
export function fixedIdentity (seedByte: number): Identity {
  return createIdentity((n) => new Uint8Array(n).fill(seedByte))
}

/** Runs `fn` and returns what it threw; fails the test if it threw nothing. */
export function thrown (fn: () => unknown): any {
  try {
    fn()
  } catch (err) {
    return err
  }
  throw new Error('expected an error, but the call returned normally')
}

export function flipByte (bytes: Uint8Array, index: number): Uint8Array {
  const copy = bytes.slice()
  copy[index]! ^= 0x01
  return copy
}

const OUR_ERRORS = new Set([
  'DecodeError',
  'InvalidUserIdError',
  'InvalidInviteError',
  'InvalidContactInputError',
  'InvalidRecordError',
  'InvalidEnvelopeError',
  'FrameTooLargeError',
  'X3dhError',
  'InvalidInitialMessageError',
  'GroupOrderError',
  'GroupDecryptError',
  'GroupEncryptError',
  'InvalidSenderKeyError'
])

/** True for the core's own typed errors, false for TypeError, RangeError and the like. */
export function isTypedError (err: unknown): boolean {
  return err instanceof Error && OUR_ERRORS.has(err.name) && err.constructor.name === err.name
}

/**
 * Bytes that start like a real record and then go wrong: a prefix of `valid` of any length
 * followed by random bytes, so that properties also reach the fields deep inside a decoder.
 */
export function prefixThenNoise (valid: Uint8Array): Arbitrary<Uint8Array> {
  return fc.tuple(fc.nat({ max: valid.length }), fc.uint8Array({ maxLength: 120 }))
    .map(([n, tail]) => {
      const out = new Uint8Array(n + tail.length)
      out.set(valid.subarray(0, n))
      out.set(tail, n)
      return out
    })
}
