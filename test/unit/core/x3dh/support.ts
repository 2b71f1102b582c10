import { isTypedError } from '../support.ts'

export { fixedIdentity, flipByte, prefixThenNoise, thrown } from '../support.ts'

export const NOW = Date.UTC(2025, 0, 1)
export const MINUTE = 60 * 1000
export const DAY = 24 * 60 * MINUTE

/** A random source that returns `seedByte` repeated, so every key in a test is fixed. */
export const fixedRandom = (seedByte: number) => (n: number): Uint8Array => new Uint8Array(n).fill(seedByte)

/** The core's typed errors plus the ones of src/core/x3dh. */
export function isOurError (err: unknown): boolean {
  if (isTypedError(err)) return true
  return err instanceof Error && ['X3dhError', 'InvalidInitialMessageError'].includes(err.name) && err.constructor.name === err.name
}
