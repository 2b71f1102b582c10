import { sign, verifySignature, PUBLIC_KEY_BYTES, SIGNATURE_BYTES } from '../crypto/index.ts'
import { utf8 } from './codec.ts'
import type { Identity } from './identity.ts'

// Every signed Murmur record is `body ‖ signature`, where body starts with the version byte
// (so the version is signed too) and the signature covers `utf8(context) ‖ body`. The context
// string differs per record type, so a signature made for one can never pass as another.

function signedMessage (context: string, body: Uint8Array): Uint8Array {
  const prefix = utf8(context)
  const message = new Uint8Array(prefix.length + body.length)
  message.set(prefix)
  message.set(body, prefix.length)
  return message
}

export function appendSignature (identity: Identity, context: string, body: Uint8Array): Uint8Array {
  // A record whose key field is not a key would be signed fine and then refused by everyone.
  if (identity.publicKey.length !== PUBLIC_KEY_BYTES) throw new TypeError(`identity.publicKey must be ${PUBLIC_KEY_BYTES} bytes`)
  const signature = sign(identity.secretKey, signedMessage(context, body))
  const out = new Uint8Array(body.length + SIGNATURE_BYTES)
  out.set(body)
  out.set(signature, body.length)
  return out
}

/** Splits off the trailing signature; undefined when there is no room for one and a version byte. */
export function splitSignature (bytes: Uint8Array): { body: Uint8Array, signature: Uint8Array } | undefined {
  if (bytes.length < SIGNATURE_BYTES + 1) return undefined
  const at = bytes.length - SIGNATURE_BYTES
  return { body: bytes.subarray(0, at), signature: bytes.subarray(at) }
}

export function hasValidSignature (context: string, body: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  return verifySignature(signature, signedMessage(context, body), publicKey)
}
