import { DecodeError } from './errors.ts'

// The wire format of every signed record: u8, unsigned LEB128 varints, and byte strings
// prefixed by their varint length. Decoding is strict so that one value has exactly one
// encoding: varints must be minimal and byte strings must be valid UTF-8 where text is due.

const encoder = new TextEncoder()
// fatal: reject invalid UTF-8 instead of inserting U+FFFD. ignoreBOM: keep a leading
// U+FEFF as text; the default would silently drop it and break the round trip.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** A lone UTF-16 surrogate cannot be encoded as UTF-8 (TextEncoder would write U+FFFD). */
export function isWellFormedText (s: string): boolean {
  return !/\p{Cs}/u.test(s)
}

export function utf8 (s: string): Uint8Array {
  return encoder.encode(s)
}

// A safe integer (< 2^53) takes at most 8 varint bytes, and then the 8th carries 4 bits.
const MAX_VARINT_BYTES = 8
const LAST_BYTE_MAX = 0x0f

export class Writer {
  private buf = new Uint8Array(64)
  private length = 0

  private reserve (n: number): void {
    if (this.length + n <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < this.length + n) size *= 2
    const next = new Uint8Array(size)
    next.set(this.buf.subarray(0, this.length))
    this.buf = next
  }

  u8 (n: number): this {
    if (!Number.isInteger(n) || n < 0 || n > 0xff) throw new RangeError(`u8 out of range: ${n}`)
    this.reserve(1)
    this.buf[this.length++] = n
    return this
  }

  uvarint (n: number): this {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`uvarint needs a non-negative safe integer, got ${n}`)
    this.reserve(MAX_VARINT_BYTES)
    // Arithmetic, not bit operators: those truncate to 32 bits.
    while (n >= 0x80) {
      this.buf[this.length++] = (n % 0x80) | 0x80
      n = Math.floor(n / 0x80)
    }
    this.buf[this.length++] = n
    return this
  }

  bytes (b: Uint8Array): this {
    this.uvarint(b.length)
    this.reserve(b.length)
    this.buf.set(b, this.length)
    this.length += b.length
    return this
  }

  string (s: string): this {
    if (!isWellFormedText(s)) throw new RangeError('string holds a lone surrogate and has no UTF-8 form')
    return this.bytes(encoder.encode(s))
  }

  finish (): Uint8Array {
    return this.buf.slice(0, this.length)
  }
}

export class Reader {
  private readonly buf: Uint8Array
  private pos = 0

  constructor (buf: Uint8Array) {
    this.buf = buf
  }

  get remaining (): number {
    return this.buf.length - this.pos
  }

  u8 (field: string): number {
    if (this.pos >= this.buf.length) throw new DecodeError(field, 'the data ends early')
    return this.buf[this.pos++]!
  }

  uvarint (field: string): number {
    let value = 0
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      const b = this.u8(field)
      if (i === MAX_VARINT_BYTES - 1 && b > LAST_BYTE_MAX) throw new DecodeError(field, 'number is larger than 2^53 - 1')
      value += (b & 0x7f) * 2 ** (7 * i)
      if ((b & 0x80) === 0) {
        if (b === 0 && i > 0) throw new DecodeError(field, 'number is not minimally encoded')
        return value
      }
    }
    throw new DecodeError(field, 'number is larger than 2^53 - 1')
  }

  /** A list length, checked against its cap before the caller allocates anything. */
  count (field: string, max: number): number {
    const n = this.uvarint(field)
    if (n > max) throw new DecodeError(field, `has ${n} entries, at most ${max} allowed`)
    return n
  }

  bytes (field: string, limits: { max: number, exact?: number }): Uint8Array {
    const n = this.uvarint(field)
    if (limits.exact !== undefined && n !== limits.exact) throw new DecodeError(field, `must be ${limits.exact} bytes, got ${n}`)
    if (n > limits.max) throw new DecodeError(field, `is ${n} bytes, at most ${limits.max} allowed`)
    if (n > this.remaining) throw new DecodeError(field, 'the data ends early')
    // A copy, so a small key does not keep a whole received frame alive.
    const out = this.buf.slice(this.pos, this.pos + n)
    this.pos += n
    return out
  }

  string (field: string, limits: { maxBytes: number }): string {
    const raw = this.bytes(field, { max: limits.maxBytes })
    try {
      return decoder.decode(raw)
    } catch {
      throw new DecodeError(field, 'is not valid UTF-8 text')
    }
  }

  done (field: string): void {
    if (this.remaining !== 0) throw new DecodeError(field, `${this.remaining} unexpected bytes after the end`)
  }
}
