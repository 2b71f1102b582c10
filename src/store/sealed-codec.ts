/**
 * Turns a stored record (plain objects, strings, numbers, booleans, Uint8Arrays) into bytes
 * and back, so it can be sealed. JSON with byte arrays as `{ "$b": base64 }`: small,
 * dependency-free, and strict when reading back.
 */

export class StoredValueError extends Error {
  override name = 'StoredValueError'
}

function toBase64 (bytes: Uint8Array): string {
  let text = ''
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(text)
}

function fromBase64 (text: string): Uint8Array {
  const binary = atob(text)
  const out = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i)
  return out
}

export function encodeStoredValue (value: unknown): Uint8Array {
  const json = JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Uint8Array) return { $b: toBase64(v) }
    if (typeof v === 'object' && v != null && !Array.isArray(v) && Object.getPrototypeOf(v) !== Object.prototype) {
      throw new StoredValueError('only plain objects, arrays and Uint8Arrays can be stored')
    }
    return v
  })
  return new TextEncoder().encode(json)
}

export function decodeStoredValue<T> (bytes: Uint8Array): T {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes), (_key, v: unknown) => {
      if (typeof v === 'object' && v != null && '$b' in v) {
        const b = (v as { $b: unknown }).$b
        if (typeof b !== 'string' || Object.keys(v).length !== 1) throw new StoredValueError('malformed byte array')
        return fromBase64(b)
      }
      return v
    }) as T
  } catch (err) {
    if (err instanceof StoredValueError) throw err
    throw new StoredValueError('a stored value is not readable', { cause: err })
  }
}
