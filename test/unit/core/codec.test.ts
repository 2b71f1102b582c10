import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Reader, Writer } from '../../../src/core/codec.ts'
import { thrown } from './support.ts'

const bytesOf = (...b: number[]): Uint8Array => new Uint8Array(b)

describe('Writer/Reader round trip', () => {
  it('writes varints as minimal unsigned LEB128', () => {
    expect(new Writer().uvarint(0).finish()).toEqual(bytesOf(0))
    expect(new Writer().uvarint(127).finish()).toEqual(bytesOf(0x7f))
    expect(new Writer().uvarint(128).finish()).toEqual(bytesOf(0x80, 0x01))
    expect(new Writer().uvarint(300).finish()).toEqual(bytesOf(0xac, 0x02))
    expect(new Writer().uvarint(Number.MAX_SAFE_INTEGER).finish())
      .toEqual(bytesOf(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f))
  })

  it('reads back what it wrote, values above 2^32 included', () => {
    const values = [0, 1, 127, 128, 16383, 16384, 2 ** 32, 2 ** 32 + 1, Date.UTC(2030, 0, 1), Number.MAX_SAFE_INTEGER]
    const w = new Writer()
    for (const v of values) w.uvarint(v)
    const r = new Reader(w.finish())
    expect(values.map(() => r.uvarint('n'))).toEqual(values)
    r.done('test')
  })

  it('keeps text exactly, a leading byte order mark included', () => {
    const texts = ['', 'héllo', '👋🏽 family: 👨‍👩‍👧', '\uFEFFbom first', 'line\nbreak']
    const w = new Writer()
    for (const t of texts) w.string(t)
    const r = new Reader(w.finish())
    expect(texts.map(() => r.string('s', { maxBytes: 100 }))).toEqual(texts)
  })

  it('grows past its initial buffer', () => {
    const big = new Uint8Array(10_000).map((_, i) => i % 251)
    const r = new Reader(new Writer().u8(7).bytes(big).u8(9).finish())
    expect(r.u8('a')).toBe(7)
    expect(r.bytes('big', { max: 10_000 })).toEqual(big)
    expect(r.u8('b')).toBe(9)
  })

  it('property: any sequence of values reads back unchanged', () => {
    const value = fc.oneof(
      fc.record({ t: fc.constant('u8' as const), v: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ t: fc.constant('uvarint' as const), v: fc.maxSafeNat() }),
      fc.record({ t: fc.constant('bytes' as const), v: fc.uint8Array({ maxLength: 300 }) }),
      fc.record({ t: fc.constant('string' as const), v: fc.string({ unit: 'grapheme', maxLength: 50 }) })
    )
    fc.assert(fc.property(fc.array(value, { maxLength: 20 }), (values) => {
      const w = new Writer()
      for (const x of values) {
        if (x.t === 'u8') w.u8(x.v)
        else if (x.t === 'uvarint') w.uvarint(x.v)
        else if (x.t === 'bytes') w.bytes(x.v)
        else w.string(x.v)
      }
      const r = new Reader(w.finish())
      for (const x of values) {
        if (x.t === 'u8') expect(r.u8('f')).toBe(x.v)
        else if (x.t === 'uvarint') expect(r.uvarint('f')).toBe(x.v)
        else if (x.t === 'bytes') expect(r.bytes('f', { max: 300 })).toEqual(x.v)
        else expect(r.string('f', { maxBytes: 1000 })).toBe(x.v)
      }
      r.done('all')
    }))
  })
})

describe('Reader rejects bad input with a DecodeError naming the field', () => {
  const expectDecodeError = (fn: () => unknown, field: string): void => {
    const err = thrown(fn)
    expect(err.name).toBe('DecodeError')
    expect(err.field).toBe(field)
    expect(err.message).toContain(field)
  }

  it('data that ends early', () => {
    expectDecodeError(() => new Reader(bytesOf()).u8('version'), 'version')
    expectDecodeError(() => new Reader(bytesOf(0x80)).uvarint('seq'), 'seq')
    expectDecodeError(() => new Reader(bytesOf(3, 1, 2)).bytes('key', { max: 32 }), 'key')
  })

  it('varints that are not minimal or exceed 2^53 - 1', () => {
    expectDecodeError(() => new Reader(bytesOf(0x80, 0x00)).uvarint('seq'), 'seq')
    expectDecodeError(() => new Reader(bytesOf(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x10)).uvarint('seq'), 'seq')
    expectDecodeError(() => new Reader(bytesOf(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01)).uvarint('seq'), 'seq')
  })

  it('byte strings of the wrong exact length', () => {
    const key31 = new Writer().bytes(new Uint8Array(31)).finish()
    expectDecodeError(() => new Reader(key31).bytes('publicKey', { max: 32, exact: 32 }), 'publicKey')
  })

  it('a huge announced length is refused before anything is allocated or read', () => {
    // Claims 2^50 bytes in a 9-byte buffer: must be a DecodeError, not a RangeError from allocation.
    const claim = new Writer().uvarint(2 ** 50).finish()
    expectDecodeError(() => new Reader(claim).bytes('blob', { max: 1000 }), 'blob')
    expectDecodeError(() => new Reader(claim).count('peers', 8), 'peers')
  })

  it('text that is not valid UTF-8', () => {
    const cases = [
      bytesOf(1, 0xff), // never valid
      bytesOf(2, 0xc0, 0x80), // overlong NUL
      bytesOf(3, 0xed, 0xa0, 0x80), // an encoded surrogate
      bytesOf(2, 0xe2, 0x82) // cut in the middle of a character
    ]
    for (const c of cases) expectDecodeError(() => new Reader(c).string('name', { maxBytes: 64 }), 'name')
  })

  it('text over its byte cap', () => {
    const long = new Writer().string('x'.repeat(65)).finish()
    expectDecodeError(() => new Reader(long).string('name', { maxBytes: 64 }), 'name')
  })

  it('trailing bytes', () => {
    const r = new Reader(bytesOf(1, 2))
    r.u8('version')
    expectDecodeError(() => { r.done('record') }, 'record')
  })

  it('property: random bytes make a reader throw DecodeError or nothing', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (buf) => {
      const r = new Reader(buf)
      try {
        r.u8('a'); r.uvarint('b'); r.bytes('c', { max: 16 }); r.string('d', { maxBytes: 16 }); r.count('e', 4); r.done('f')
      } catch (err: any) {
        expect(err.name).toBe('DecodeError')
      }
    }))
  })
})

describe('Writer refuses values it cannot encode', () => {
  it('out-of-range numbers', () => {
    expect(() => new Writer().u8(256)).toThrow(RangeError)
    expect(() => new Writer().u8(-1)).toThrow(RangeError)
    expect(() => new Writer().uvarint(-1)).toThrow(RangeError)
    expect(() => new Writer().uvarint(1.5)).toThrow(RangeError)
    expect(() => new Writer().uvarint(2 ** 53)).toThrow(RangeError)
  })

  it('strings with a lone surrogate', () => {
    expect(() => new Writer().string('a\uD800b')).toThrow(RangeError)
  })
})
