import { equals, fromString, toString } from 'uint8arrays'
import { assertBytes, sha256, PUBLIC_KEY_BYTES } from '../../crypto/index.ts'
import { utf8 } from '../codec.ts'
import { encodeUserId } from '../user-id.ts'

// A safety number lets two people check, in person or on a call, that each holds the other's
// real identity key and not one slipped in by whoever relayed the invite or the DHT record.
// Both see the same 60 digits: each party's 30 come from an iterated hash of its own key
// (the iterations make finding a key with the same digits costly), and the halves are put in
// the order of the two user ids, which both sides compute alike.

const CONTEXT = 'murmur/safety-number/v1'
const VERSION = 1
const ITERATIONS = 5200
const GROUPS_PER_PARTY = 6
const BYTES_PER_GROUP = 5
const GROUP_MODULUS = 100_000
const QR_PREFIX = `murmur-safety:${VERSION}:`
const BASE64URL_KEY = `[A-Za-z0-9_-]{${Math.ceil(PUBLIC_KEY_BYTES * 4 / 3)}}`
const QR_PATTERN = new RegExp(`^${QR_PREFIX}(${BASE64URL_KEY}):(${BASE64URL_KEY})$`)

/** Six 5-digit groups from one identity key. */
function partyDigits (key: Uint8Array): string[] {
  let h = sha256(new Uint8Array([VERSION, ...key, ...utf8(CONTEXT), ...key]))
  // H(i+1) = SHA-256(version ‖ key ‖ H(i)); the first round above starts from H(0) = context ‖ key.
  const input = new Uint8Array(1 + PUBLIC_KEY_BYTES + 32)
  input[0] = VERSION
  input.set(key, 1)
  for (let i = 1; i < ITERATIONS; i++) {
    input.set(h, 1 + PUBLIC_KEY_BYTES)
    h = sha256(input)
  }
  const groups: string[] = []
  for (let g = 0; g < GROUPS_PER_PARTY; g++) {
    let n = 0
    // Five bytes, big-endian: at most 2^40, well inside a safe integer.
    for (let b = 0; b < BYTES_PER_GROUP; b++) n = n * 256 + h[g * BYTES_PER_GROUP + b]!
    groups.push(String(n % GROUP_MODULUS).padStart(5, '0'))
  }
  return groups
}

/** The two keys in the order both parties agree on: by user id. */
function ordered (ourKey: Uint8Array, theirKey: Uint8Array): [Uint8Array, Uint8Array] {
  assertBytes(ourKey, PUBLIC_KEY_BYTES, 'ourKey')
  assertBytes(theirKey, PUBLIC_KEY_BYTES, 'theirKey')
  return encodeUserId(ourKey) <= encodeUserId(theirKey) ? [ourKey, theirKey] : [theirKey, ourKey]
}

/** Twelve groups of five digits, the same on both sides of the conversation. */
export function safetyNumber (ourKey: Uint8Array, theirKey: Uint8Array): string[] {
  const [first, second] = ordered(ourKey, theirKey)
  return [...partyDigits(first), ...partyDigits(second)]
}

/** The text for a QR code: version and both keys in the agreed order, the same on both sides. */
export function safetyNumberQrPayload (ourKey: Uint8Array, theirKey: Uint8Array): string {
  const [first, second] = ordered(ourKey, theirKey)
  return `${QR_PREFIX}${toString(first, 'base64url')}:${toString(second, 'base64url')}`
}

function parseKey (text: string): Uint8Array | undefined {
  try {
    const key = fromString(text, 'base64url')
    // One spelling per key: refuse stray bits in the last character.
    return key.length === PUBLIC_KEY_BYTES && toString(key, 'base64url') === text ? key : undefined
  } catch {
    return undefined
  }
}

/**
 * Compares a scanned QR payload with the keys we hold: 'match' when it names exactly our key
 * and theirs, 'mismatch' when it is a real payload for some other pair of keys (someone's key
 * is not what the other side holds), 'invalid' when it is no safety number payload at all.
 */
export function compareSafetyNumberQr (payload: string, ourKey: Uint8Array, theirKey: Uint8Array): 'match' | 'mismatch' | 'invalid' {
  const expected = ordered(ourKey, theirKey)
  const parts = typeof payload === 'string' ? QR_PATTERN.exec(payload.trim()) : null
  if (parts === null) return 'invalid'
  const first = parseKey(parts[1]!)
  const second = parseKey(parts[2]!)
  if (first === undefined || second === undefined) return 'invalid'
  // Our own encoder always writes the lower user id first; anything else was not made by it.
  if (encodeUserId(first) > encodeUserId(second)) return 'invalid'
  return equals(first, expected[0]) && equals(second, expected[1]) ? 'match' : 'mismatch'
}
