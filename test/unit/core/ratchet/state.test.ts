import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Writer } from '../../../../src/core/codec.ts'
import {
  decodeRatchetState,
  encodeRatchetState,
  MAX_RATCHET_STATE_BYTES,
  MAX_STORED_SKIPPED,
  SKIPPED_KEY_MAX_DH_STEPS,
  type RatchetState
} from '../../../../src/core/ratchet/index.ts'
import { prefixThenNoise, thrown } from '../support.ts'
import { newParties, receive, roundTrip, send, type Party } from './conversation.ts'
import { toHex } from '../../../support/hex.ts'

/** Parties part-way through a conversation: both sides hold skipped and retired keys. */
function midConversation (): { alice: Party, bob: Party, pending: Uint8Array[] } {
  const { alice, bob } = newParties(5)
  const pending = [send(alice, 'late a')]
  receive(bob, send(alice, 'a'))
  roundTrip(bob, alice)
  pending.push(send(bob, 'late b'))
  roundTrip(bob, alice)
  roundTrip(alice, bob)
  return { alice, bob, pending }
}

const expectDecodeError = (bytes: Uint8Array, field?: string): void => {
  const err = thrown(() => decodeRatchetState(bytes))
  expect(err.name).toBe('DecodeError')
  if (field !== undefined) expect(err.field).toBe(field)
}

describe('ratchet state storage', { timeout: 60_000 }, () => {
  it('round-trips initial and mid-conversation states exactly', () => {
    const fresh = newParties(3)
    const { alice, bob } = midConversation()
    expect(bob.state.skippedKeys.length).toBeGreaterThan(0)
    expect(bob.state.retiredHeaderKeys.length).toBeGreaterThan(0)
    for (const state of [fresh.alice.state, fresh.bob.state, alice.state, bob.state]) {
      const bytes = encodeRatchetState(state)
      const decoded = decodeRatchetState(bytes)
      expect(decoded).toEqual(state)
      expect(toHex(encodeRatchetState(decoded))).toBe(toHex(bytes))
    }
  })

  it('a session reloaded from storage goes on as if it had never been stored', () => {
    const { alice, bob, pending } = midConversation()
    const reload = (p: Party): void => { p.state = decodeRatchetState(encodeRatchetState(p.state)) }
    reload(alice)
    reload(bob)
    expect(receive(bob, pending[0]!)).toBe('late a')
    expect(receive(alice, pending[1]!)).toBe('late b')
    reload(bob)
    roundTrip(bob, alice, 'after reload')
  })

  it('rejects every truncation and any trailing byte, naming a field', () => {
    const bytes = encodeRatchetState(midConversation().bob.state)
    for (let n = 0; n < bytes.length; n++) expectDecodeError(bytes.subarray(0, n))
    expectDecodeError(Uint8Array.of(...bytes, 0), 'state')
  })

  it('rejects an unknown version, a presence flag other than 0 or 1, and a chain key without its header key', () => {
    const bytes = encodeRatchetState(newParties().alice.state)
    expectDecodeError(Uint8Array.of(2, ...bytes.subarray(1)), 'version')
    const flagAt = 1 + 33 + 33 // version, public key, secret key
    expect(bytes[flagAt]).toBe(1) // the initiator knows the responder's ratchet key
    const badFlag = bytes.slice()
    badFlag[flagAt] = 2
    expectDecodeError(badFlag, 'dhRemote')
    // The responder's state before its first read has neither send key; give it just one.
    const bob = newParties().bob.state
    expectDecodeError(encodeRatchetState({ ...bob, sendChainKey: new Uint8Array(32) }), 'sendHeaderKey')
    expectDecodeError(encodeRatchetState({ ...bob, receiveChainKey: new Uint8Array(32) }), 'receiveHeaderKey')
  })

  it('caps every list and count before reading it', () => {
    const state = newParties().alice.state
    const tooMany = (retired: number, skipped: number): Uint8Array => {
      // Rewrite the tail: counts as given, with no entries behind them.
      const head = encodeRatchetState(state)
      const w = new Writer().uvarint(retired).uvarint(skipped)
      return Uint8Array.of(...head.subarray(0, head.length - 2), ...w.finish())
    }
    expectDecodeError(tooMany(SKIPPED_KEY_MAX_DH_STEPS + 1, 0), 'retiredHeaderKeys')
    expectDecodeError(tooMany(0, MAX_STORED_SKIPPED + 1), 'skippedKeys')
    expectDecodeError(encodeRatchetState({ ...state, sendCount: 2 ** 32 }), 'sendCount')
    expectDecodeError(new Uint8Array(MAX_RATCHET_STATE_BYTES + 1), 'state')
  })

  it('rejects a skipped key under a header key the state does not hold', () => {
    const { bob } = midConversation()
    const bytes = encodeRatchetState(bob.state)
    // The first skipped key's header-key index sits right after the skipped-key count.
    const tail = bytes.length - bob.state.skippedKeys.length * skippedEntryBytes(bob.state)
    const bad = bytes.slice()
    bad[tail] = bob.state.retiredHeaderKeys.length + 1
    expectDecodeError(bad, 'skippedKeys.headerKey')
    const noCurrent = { ...bob.state, receiveChainKey: undefined, receiveHeaderKey: undefined, skippedKeys: [] }
    const w = new Writer()
    const stripped = encodeRatchetState(noCurrent)
    w.uvarint(1).uvarint(0).uvarint(0).bytes(new Uint8Array(32)).uvarint(0).uvarint(0)
    const pointing = Uint8Array.of(...stripped.subarray(0, stripped.length - 1), ...w.finish())
    expectDecodeError(pointing, 'skippedKeys.headerKey')
  })

  it('a full state (every list at its cap, every number at its largest) fits the size cap', () => {
    const { bob } = midConversation()
    const key = new Uint8Array(32).fill(0xee)
    const big = 2 ** 53 - 1
    const retiredHeaderKeys = Array.from({ length: SKIPPED_KEY_MAX_DH_STEPS }, (_, i) => ({ headerKey: Uint8Array.of(i, ...key.subarray(1)), retiredAt: big, dhStep: big }))
    const full: RatchetState = {
      ...bob.state,
      sendCount: 2 ** 32 - 1,
      receiveCount: 2 ** 32,
      previousSendCount: 2 ** 32 - 1,
      dhSteps: big,
      retiredHeaderKeys,
      skippedKeys: Array.from({ length: MAX_STORED_SKIPPED }, (_, i) => ({
        headerKey: retiredHeaderKeys[i % SKIPPED_KEY_MAX_DH_STEPS]!.headerKey, n: 2 ** 32 - 1, messageKey: key, storedAt: big, dhStep: big
      }))
    }
    const bytes = encodeRatchetState(full)
    expect(bytes.length).toBeLessThanOrEqual(MAX_RATCHET_STATE_BYTES)
    expect(decodeRatchetState(bytes)).toEqual(full)
  })

  it('property: a valid prefix followed by noise decodes or throws DecodeError, nothing else', () => {
    const valid = encodeRatchetState(midConversation().bob.state)
    fc.assert(fc.property(prefixThenNoise(valid), (bytes) => {
      try {
        decodeRatchetState(bytes)
      } catch (err) {
        expect((err as Error).name).toBe('DecodeError')
      }
    }), { numRuns: 500 })
  })
})

/** Bytes of one stored skipped key in these small tests: index, n, key, storedAt, dhStep. */
function skippedEntryBytes (state: RatchetState): number {
  const k = state.skippedKeys[0]!
  return new Writer().uvarint(0).uvarint(k.n).bytes(k.messageKey).uvarint(k.storedAt).uvarint(k.dhStep).finish().length
}
