import { describe, expect, it } from 'vitest'
import { acceptChangedKey, contactAfterPayload, contactWithPushNote } from '../../../src/core/key-pinning.ts'
import type { ChatPayload } from '../../../src/core/chat-payload.ts'
import type { StoredContact } from '../../../src/core/ports/index.ts'

type PushNote = Extract<ChatPayload, { kind: 'push' }>

const KEY = new Uint8Array(32).fill(7)
const OTHER_KEY = new Uint8Array(32).fill(8)
const PUBLIC = new Uint8Array(32).fill(1)
const contact = (userId: string, extra: Partial<StoredContact> = {}): StoredContact =>
  ({ userId, publicKey: PUBLIC, name: userId, relays: [], addedAt: 0, dhIdentityKey: KEY, knowsUs: true, ...extra })
const note = (sentAt: number, token = 'tok', gateway = 'https://relay.example'): PushNote =>
  ({ kind: 'push', id: new Uint8Array(16), sentAt, gateway, token })
const message = (name = 'Ann'): ChatPayload => ({ kind: 'message', id: new Uint8Array(16), sentAt: 1, name, text: 'hi' })
const receipts: ChatPayload = { kind: 'receipts', id: new Uint8Array(16), sentAt: 1, delivered: [], read: [] }
const sender = (dhKey = KEY) => ({ userId: 'ann', publicKey: PUBLIC, dhKey })

describe('key pinning', () => {
  it('a stranger becomes a message request only by a message, named as they wrote, their key pinned', () => {
    expect(contactAfterPayload(undefined, sender(), receipts, 5)).toBeUndefined()
    expect(contactAfterPayload(undefined, sender(), undefined, 5)).toBeUndefined()
    expect(contactAfterPayload(undefined, sender(), message('Ann'), 5)).toEqual({
      userId: 'ann', publicKey: PUBLIC, name: 'Ann', relays: [], addedAt: 5, dhIdentityKey: KEY, knowsUs: true, request: true
    })
  })

  it('a message renames the contact to the name it carries, under the pinned key only; the local name is kept', () => {
    const known = contact('ann', { name: 'ann…', localName: 'Sis' })
    const renamed = contactAfterPayload(known, sender(KEY), message('Ann Lee'), 5)!
    expect(renamed.name).toBe('Ann Lee')
    expect(renamed.localName).toBe('Sis')
    expect(contactAfterPayload(renamed, sender(KEY), message('Ann Lee'), 6)).toBe(renamed)
    // A changed key waits for the person, and so does the name it brings.
    const other = contactAfterPayload(renamed, sender(OTHER_KEY), message('Mallory'), 7)!
    expect(other.name).toBe('Ann Lee')
    expect(other.changedDhIdentityKey).toEqual(OTHER_KEY)
  })

  it('pins the first key of a contact added by invite, and never takes a different one silently', () => {
    const added = contact('ann', { dhIdentityKey: undefined, knowsUs: undefined })
    const pinned = contactAfterPayload(added, sender(KEY), receipts, 5)!
    expect(pinned.dhIdentityKey).toEqual(KEY)
    expect(pinned.knowsUs).toBe(true)
    const changed = contactAfterPayload(pinned, sender(OTHER_KEY), message('ann'), 6)!
    expect(changed.dhIdentityKey).toEqual(KEY)
    expect(changed.changedDhIdentityKey).toEqual(OTHER_KEY)
    // The same changed key again changes nothing more; the pinned key still opens as before.
    expect(contactAfterPayload(changed, sender(OTHER_KEY), message('ann'), 7)).toBe(changed)
    expect(contactAfterPayload(pinned, sender(KEY), message('ann'), 7)).toBe(pinned)
  })

  it('accepting a changed key pins it, unverified, and is a no-op without one', () => {
    const changed = contact('ann', { changedDhIdentityKey: OTHER_KEY, verified: true })
    const accepted = acceptChangedKey(changed)
    expect(accepted.dhIdentityKey).toEqual(OTHER_KEY)
    expect(accepted.changedDhIdentityKey).toBeUndefined()
    expect(accepted.verified).toBe(false)
    const plain = contact('ann')
    expect(acceptChangedKey(plain)).toBe(plain)
  })

  it('keeps a newer note from the pinned key, ignores older ones and other keys, and a withdrawal stays withdrawn', () => {
    const held = contactWithPushNote(contact('bob'), note(10, 'one'), KEY)
    expect(held.push).toEqual({ gateway: 'https://relay.example', token: 'one', sentAt: 10 })
    expect(contactWithPushNote(held, note(9, 'older'), KEY)).toBe(held)
    expect(contactWithPushNote(held, note(10, 'same time'), KEY)).toBe(held)
    expect(contactWithPushNote(held, note(11, 'other key'), OTHER_KEY)).toBe(held)
    const unpinned = contact('new', { dhIdentityKey: undefined })
    expect(contactWithPushNote(unpinned, note(11), KEY)).toBe(unpinned)

    const withdrawn = contactWithPushNote(held, note(12, '', ''), KEY)
    expect(withdrawn.push).toEqual({ gateway: '', token: '', sentAt: 12 })
    // A token note that was overtaken on the way does not bring it back.
    expect(contactWithPushNote(withdrawn, note(11, 'late'), KEY)).toBe(withdrawn)
    expect(contactWithPushNote(withdrawn, note(13, 'renewed'), KEY).push?.token).toBe('renewed')
  })
})
