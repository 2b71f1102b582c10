// Hex for test vectors and for comparing bytes by value. Strict on purpose: Buffer.from(s,
// 'hex') stops quietly at the first bad character, so a typo in a vector would shorten the
// input instead of failing the test.

/** Bytes from an even-length hex string (either case); throws on anything else. */
export function fromHex (hex: string): Uint8Array {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) throw new TypeError(`not an even-length hex string: "${hex.slice(0, 40)}"`)
  const bytes = new Uint8Array(hex.length / 2)
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return bytes
}

/** Lowercase hex of the bytes. */
export function toHex (bytes: Uint8Array): string {
  let hex = ''
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0')
  return hex
}
