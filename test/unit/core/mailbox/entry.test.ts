import { describe, expect, it } from 'vitest'
import { ENTRY_OVERHEAD_BYTES, openMailboxEntry, sealMailboxEntry } from '../../../../src/core/mailbox/entry.ts'

const SECRET = new Uint8Array(32).fill(1)
const SLOT = new TextEncoder().encode('/murmur-mailbox/abc')
const ID = new Uint8Array(16).fill(2)
const ENVELOPE = new TextEncoder().encode('an envelope naming Ann and Bob')

describe('mailbox entry', () => {
  it('opens for the same secret, slot and id, and hides what it carries', () => {
    const sealed = sealMailboxEntry(SECRET, SLOT, ID, ENVELOPE)
    expect(sealed.length).toBe(ENVELOPE.length + ENTRY_OVERHEAD_BYTES)
    expect(new TextDecoder('latin1').decode(sealed)).not.toContain('Ann')
    expect(openMailboxEntry(SECRET, SLOT, ID, sealed)).toEqual(ENVELOPE)
    // Fresh nonce each time: the same envelope twice looks unrelated.
    expect(sealMailboxEntry(SECRET, SLOT, ID, ENVELOPE)).not.toEqual(sealed)
  })

  it('does not open under another secret, at another slot, with another id, or changed', () => {
    const sealed = sealMailboxEntry(SECRET, SLOT, ID, ENVELOPE)
    expect(openMailboxEntry(new Uint8Array(32).fill(9), SLOT, ID, sealed)).toBeUndefined()
    expect(openMailboxEntry(SECRET, new TextEncoder().encode('/murmur-mailbox/abd'), ID, sealed)).toBeUndefined()
    expect(openMailboxEntry(SECRET, SLOT, new Uint8Array(16).fill(3), sealed)).toBeUndefined()
    for (const i of [0, 12, sealed.length - 1]) {
      const changed = Uint8Array.from(sealed)
      changed[i]! ^= 1
      expect(openMailboxEntry(SECRET, SLOT, ID, changed)).toBeUndefined()
    }
    expect(openMailboxEntry(SECRET, SLOT, ID, sealed.subarray(0, ENTRY_OVERHEAD_BYTES - 1))).toBeUndefined()
  })
})
