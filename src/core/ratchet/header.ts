import { aesGcmOpen, aesGcmSeal, GCM_NONCE_BYTES, randomBytes, X25519_KEY_BYTES, type RandomSource } from '../../crypto/index.ts'
import { Reader, Writer } from '../codec.ts'
import { ENCRYPTED_HEADER_BYTES, HEADER_BYTES, MAX_MESSAGE_NUMBER } from './limits.ts'

// HEADER (Double Ratchet section 3.1) and HENCRYPT/HDECRYPT (section 4.2).

export interface Header {
  /** The sender's current ratchet public key. */
  dh: Uint8Array
  /** PN: the number of messages in the sender's previous sending chain. */
  pn: number
  /** N: this message's number in the current sending chain. */
  n: number
}

// PN and N are fixed 4-byte fields rather than varints, so every encrypted header has the same
// length and its size says nothing about how far a conversation has gone.
function writeU32 (w: Writer, n: number): void {
  w.u8(Math.floor(n / 0x1000000)).u8((n >>> 16) & 0xff).u8((n >>> 8) & 0xff).u8(n & 0xff)
}

function readU32 (r: Reader, field: string): number {
  return r.u8(field) * 0x1000000 + (r.u8(field) << 16) + (r.u8(field) << 8) + r.u8(field)
}

const isMessageNumber = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= MAX_MESSAGE_NUMBER

export function encodeHeader (header: Header): Uint8Array {
  if (!isMessageNumber(header.pn)) throw new RangeError(`header.pn out of range: ${header.pn}`)
  if (!isMessageNumber(header.n)) throw new RangeError(`header.n out of range: ${header.n}`)
  const w = new Writer().bytes(header.dh)
  writeU32(w, header.pn)
  writeU32(w, header.n)
  const out = w.finish()
  if (out.length !== HEADER_BYTES) throw new TypeError(`header.dh must be ${X25519_KEY_BYTES} bytes`)
  return out
}

/** Throws DecodeError; only bytes that opened under one of our header keys get here. */
export function decodeHeader (bytes: Uint8Array): Header {
  const r = new Reader(bytes)
  const dh = r.bytes('header.dh', { max: X25519_KEY_BYTES, exact: X25519_KEY_BYTES })
  const pn = readU32(r, 'header.pn')
  const n = readU32(r, 'header.n')
  r.done('header')
  return { dh, pn, n }
}

/**
 * HENCRYPT: nonce ‖ AES-256-GCM(headerKey, nonce, header). One header key seals every header
 * of a sending chain, so the nonce is random rather than derived. Section 4.2 asks for random
 * nonces of at least 128 bits; GCM's are 96, which NIST SP 800-38D allows for up to 2^32
 * messages per key, and a sending chain stops at 2^32 - 1 (MAX_MESSAGE_NUMBER).
 */
export function encryptHeader (headerKey: Uint8Array, header: Header, random: RandomSource = randomBytes): Uint8Array {
  const nonce = Uint8Array.from(random(GCM_NONCE_BYTES))
  if (nonce.length !== GCM_NONCE_BYTES) throw new TypeError(`random source returned ${nonce.length} bytes, not ${GCM_NONCE_BYTES}`)
  const sealed = aesGcmSeal(headerKey, nonce, encodeHeader(header))
  const out = new Uint8Array(ENCRYPTED_HEADER_BYTES)
  out.set(nonce)
  out.set(sealed, GCM_NONCE_BYTES)
  return out
}

/**
 * HDECRYPT: the header, or undefined when `headerKey` did not seal it. A header that opens but
 * does not decode was sealed by a holder of the key and is still refused, as undefined.
 */
export function decryptHeader (headerKey: Uint8Array, encryptedHeader: Uint8Array): Header | undefined {
  if (encryptedHeader.length !== ENCRYPTED_HEADER_BYTES) return undefined
  const plain = aesGcmOpen(headerKey, encryptedHeader.subarray(0, GCM_NONCE_BYTES), encryptedHeader.subarray(GCM_NONCE_BYTES))
  if (plain === undefined) return undefined
  try {
    return decodeHeader(plain)
  } catch {
    return undefined
  }
}
