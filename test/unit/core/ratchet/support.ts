import { expect } from 'vitest'
import { encodeRatchetState, type RatchetState } from '../../../../src/core/ratchet/index.ts'
import { toHex } from '../../../support/hex.ts'

export * from './session.ts'

/** Runs `fn`, which must throw a DecryptError with `reason`, and checks `state` is byte-identical after. */
export function expectRefused (state: RatchetState, fn: () => unknown, reason?: string): void {
  const before = encodeRatchetState(state)
  let err: any
  try {
    fn()
  } catch (e) {
    err = e
  }
  expect(err, 'expected a DecryptError').toBeDefined()
  expect(err.name).toBe('DecryptError')
  if (reason !== undefined) expect(err.reason).toBe(reason)
  expect(toHex(encodeRatchetState(state))).toBe(toHex(before))
}
