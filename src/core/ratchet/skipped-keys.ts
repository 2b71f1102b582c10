import { equals } from 'uint8arrays'
import { DecryptError } from './errors.ts'
import { kdfChain } from './kdf.ts'
import { MAX_SKIP, MAX_STORED_SKIPPED, SKIPPED_KEY_MAX_AGE_MS, SKIPPED_KEY_MAX_DH_STEPS } from './limits.ts'
import type { RatchetState, RetiredHeaderKey, SkippedKey } from './state.ts'

// MKSKIPPED of Double Ratchet sections 3.2 and 3.5, bounded three ways: per chain (MAX_SKIP),
// per session (MAX_STORED_SKIPPED) and in age (time and DH steps: section 6.4 advises deleting
// them after an interval, so a recipient compromised later does not still hold them).

const sameKey = (a: Uint8Array, b: Uint8Array): boolean => a === b || equals(a, b)

// A clock that went back (stamp in the future) ages nothing; the step count still does.
function isExpired (stamp: { at: number, dhStep: number }, state: RatchetState, now: number): boolean {
  return now - stamp.at >= SKIPPED_KEY_MAX_AGE_MS || state.dhSteps - stamp.dhStep >= SKIPPED_KEY_MAX_DH_STEPS
}

/**
 * Drops skipped keys and retired header keys that are too old, skipped keys under a dropped
 * header key, and the oldest skipped keys past MAX_STORED_SKIPPED. Returns `state` itself
 * when nothing is dropped.
 */
export function pruneSkippedKeys (state: RatchetState, now: number): RatchetState {
  const retiredExpired = (k: RetiredHeaderKey): boolean => isExpired({ at: k.retiredAt, dhStep: k.dhStep }, state, now)
  const skippedExpired = (k: SkippedKey): boolean => isExpired({ at: k.storedAt, dhStep: k.dhStep }, state, now)
  // The common case, every call: nothing to drop, nothing copied.
  if (!state.retiredHeaderKeys.some(retiredExpired) && !state.skippedKeys.some(skippedExpired) &&
    state.skippedKeys.length <= MAX_STORED_SKIPPED) return state
  const dropped = state.retiredHeaderKeys.filter(retiredExpired)
  let skippedKeys = state.skippedKeys.filter((k) =>
    !skippedExpired(k) && !dropped.some((d) => sameKey(d.headerKey, k.headerKey)))
  if (skippedKeys.length > MAX_STORED_SKIPPED) skippedKeys = skippedKeys.slice(-MAX_STORED_SKIPPED)
  return { ...state, retiredHeaderKeys: state.retiredHeaderKeys.filter((k) => !retiredExpired(k)), skippedKeys }
}

/** Removes and returns the stored key for message `n` under `headerKey`, if there is one. */
export function takeSkippedKey (state: RatchetState, headerKey: Uint8Array, n: number): { state: RatchetState, messageKey: Uint8Array } | undefined {
  const index = state.skippedKeys.findIndex((k) => k.n === n && sameKey(k.headerKey, headerKey))
  if (index < 0) return undefined
  const skippedKeys = state.skippedKeys.filter((_, i) => i !== index)
  return { state: { ...state, skippedKeys }, messageKey: state.skippedKeys[index]!.messageKey }
}

/**
 * SkipMessageKeysHE: stores the keys of receiving-chain messages Nr..until-1, which have not
 * arrived, so they can still be read. Refuses a gap over MAX_SKIP (section 3.1: a peer must
 * not make us derive and hold an unbounded number of keys).
 */
export function skipMessageKeys (state: RatchetState, until: number, now: number): RatchetState {
  if (until - state.receiveCount > MAX_SKIP) throw new DecryptError('too-many-skipped')
  const headerKey = state.receiveHeaderKey
  let chainKey = state.receiveChainKey
  if (chainKey === undefined || headerKey === undefined || until <= state.receiveCount) return state
  const added: SkippedKey[] = []
  for (let n = state.receiveCount; n < until; n++) {
    const step = kdfChain(chainKey)
    added.push({ headerKey, n, messageKey: step.messageKey, storedAt: now, dhStep: state.dhSteps })
    chainKey = step.chainKey
  }
  return { ...state, receiveChainKey: chainKey, receiveCount: until, skippedKeys: [...state.skippedKeys, ...added] }
}
