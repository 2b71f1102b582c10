import { describe, expect, it } from 'vitest'
import {
  addUserRelay, loadUserRelays, mergeRelays, parseRelayAddress, parseRelayListSetting, removeUserRelay,
  RelayAddressError, type KeyValueStorage
} from '../../../src/app/relay-list.ts'

const ID_A = '12D3KooWAhJgVzDFc7WYkvzW6G5aTZcBJnX9a5yQGu8SSpwsvWTm'
const ID_B = '12D3KooWBzUkQ7kuHKkCqTjpNaaeV6TtfzS6vGHfQB6uHLf8EAQd'
const A = `/ip4/127.0.0.1/tcp/4001/ws/p2p/${ID_A}`
const B = `/dns4/relay-b.example/tcp/443/wss/p2p/${ID_B}`

function memoryStorage (initial: Record<string, string> = {}): KeyValueStorage & { data: Record<string, string> } {
  const data = { ...initial }
  return { data, getItem: (k) => data[k] ?? null, setItem: (k, v) => { data[k] = v } }
}

describe('relay list', () => {
  it('accepts a relay address as the relay prints it', () => {
    expect(parseRelayAddress(` ${B} `)).toBe(B)
  })

  it.each([
    ['', /Enter a relay address/],
    ['relay.example:443', /is not a relay address/],
    [`/ip4/127.0.0.1/tcp/4001/p2p/${ID_A}`, /websockets/],
    ['/ip4/127.0.0.1/tcp/4001/ws', /must end in \/p2p\/<peer id>/],
    [`${A}/p2p-circuit/p2p/${ID_B}`, /reached through a relay/]
  ])('refuses %j with a sentence that says what is wrong', (text, message) => {
    expect(() => parseRelayAddress(text)).toThrow(RelayAddressError)
    expect(() => parseRelayAddress(text)).toThrow(message)
  })

  it('puts the serving relay first, then the person\'s, then the build\'s, then the neighbours, each once', () => {
    const C = `/ip4/127.0.0.1/tcp/4003/ws/p2p/${ID_B.replace('B', 'C')}`
    expect(mergeRelays({ served: [A, C], user: [B], buildTime: [C, A] })).toEqual([A, B, C])
  })

  it('names VITE_MURMUR_RELAYS when a built-in entry is bad', () => {
    expect(parseRelayListSetting(`${A}, ${B}`, 'VITE_MURMUR_RELAYS')).toEqual([A, B])
    expect(parseRelayListSetting(undefined, 'VITE_MURMUR_RELAYS')).toEqual([])
    expect(() => parseRelayListSetting(`${A},nope`, 'VITE_MURMUR_RELAYS')).toThrow(/^VITE_MURMUR_RELAYS: "nope"/)
  })

  it('keeps the person\'s relays; a bad or repeated one changes nothing', () => {
    const storage = memoryStorage()
    expect(addUserRelay(storage, A)).toEqual([A])
    const before = { ...storage.data }
    expect(() => addUserRelay(storage, 'nope')).toThrow(RelayAddressError)
    expect(() => addUserRelay(storage, A)).toThrow(/already/)
    expect(storage.data).toEqual(before)
    expect(addUserRelay(storage, B)).toEqual([A, B])
    expect(removeUserRelay(storage, A)).toEqual([B])
    expect(loadUserRelays(storage)).toEqual([B])
  })

  it('reads damaged storage as no relays', () => {
    expect(loadUserRelays(memoryStorage({ 'murmur:relays': '{' }))).toEqual([])
    expect(loadUserRelays(memoryStorage({ 'murmur:relays': JSON.stringify([A, 'nope', 3]) }))).toEqual([A])
  })
})
