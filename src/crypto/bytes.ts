/**
 * Input checks shared by the crypto wrappers. A wrong length is a programming error, so it
 * throws a TypeError that names the field, before any bytes reach the primitive.
 */
export function assertBytes (bytes: unknown, length: number, field: string): asserts bytes is Uint8Array {
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw new TypeError(`${field} must be ${length} bytes`)
  }
}

/** Whether `value` is bytes, of exactly `length` when given: for checks that refuse with their own error. */
export function isBytes (value: unknown, length?: number): value is Uint8Array {
  return value instanceof Uint8Array && (length == null || value.length === length)
}

/** Any length, but it must be bytes (not a string, not an ArrayBuffer, not undefined). */
export function assertAnyBytes (bytes: unknown, field: string): asserts bytes is Uint8Array {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`${field} must be a Uint8Array`)
  }
}

/** Whether every byte is zero, looking at all of them whatever they hold. */
export function isAllZero (bytes: Uint8Array): boolean {
  let acc = 0
  for (const b of bytes) acc |= b
  return acc === 0
}

/**
 * WebCrypto's typings want bytes backed by an ArrayBuffer (not a SharedArrayBuffer); copy only
 * in that rare case.
 */
export function toBufferSource (bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? bytes as Uint8Array<ArrayBuffer> : new Uint8Array(bytes)
}
