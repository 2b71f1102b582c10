// X25519 (RFC 7748) and Ed25519 (RFC 8032) on Node's OpenSSL instead of noble, for the
// replay-cache flood: 20,000 session starts with noble take minutes on this machine, with
// OpenSSL seconds. Same functions, same bytes (replay-cache-flood.test.ts checks them against
// noble first); everything above them (X3DH, the ratchet, AES-GCM, HKDF) is the app's own.
// Importing a private key is OpenSSL's slow step (about 0.9 ms), so imported keys are kept
// (bounded), and key pairs asked for with the app's own random source come from a pool that
// `prefillKeyPairs` fills beforehand with Node's asynchronous generator (about 0.2 ms each).
//
// Never `generateKeyPairSync`: on Node 20.20 it deadlocks now and then. A garbage collection
// inside one call runs the destructor of an earlier call's job, which takes a mutex the
// running call already holds; the thread waits on itself forever with no CPU, and no test
// timeout fires. Seen here as a CI run that hung for 90 minutes, and reproduced with a plain
// loop of generateKeyPairSync('x25519') (gdb: ~KeyGenJob in a GC weak callback, in
// pthread_mutex_lock). Neither the asynchronous generator (150,000 keys, three runs) nor the
// synchronous one asked for encoded output, as @libp2p/noise and @libp2p/crypto ask, hung
// (200,000 keys, two runs): only the KeyObjects it returns by default lead there.
import {
  createPrivateKey, createPublicKey, diffieHellman, generateKeyPair, sign as nodeSign,
  verify as nodeVerify, type KeyObject
} from 'node:crypto'
import { promisify } from 'node:util'
import { randomBytes as appRandom } from '../../../src/crypto/random.ts'

const hex = (s: string): Buffer => Buffer.from(s, 'hex')
const X25519_PKCS8 = hex('302e020100300506032b656e04220420')
const X25519_SPKI = hex('302a300506032b656e032100')
const ED25519_PKCS8 = hex('302e020100300506032b657004220420')
const ED25519_SPKI = hex('302a300506032b6570032100')

const imported = new Map<string, KeyObject>()
const verified = new Map<string, boolean>()
function privateKey (prefix: Buffer, raw: Uint8Array): KeyObject {
  const id = prefix.toString('hex') + Buffer.from(raw).toString('hex')
  let key = imported.get(id)
  if (key == null) {
    key = createPrivateKey({ key: Buffer.concat([prefix, raw]), format: 'der', type: 'pkcs8' })
    if (imported.size >= 50_000) imported.delete(imported.keys().next().value!)
    imported.set(id, key)
  }
  return key
}
function publicKey (prefix: Buffer, raw: Uint8Array): KeyObject {
  const id = prefix.toString('hex') + Buffer.from(raw).toString('hex')
  let key = imported.get(id)
  if (key == null) {
    key = createPublicKey({ key: Buffer.concat([prefix, raw]), format: 'der', type: 'spki' })
    if (imported.size >= 50_000) imported.delete(imported.keys().next().value!)
    imported.set(id, key)
  }
  return key
}
const rawPublic = (key: KeyObject): Uint8Array => new Uint8Array(key.export({ format: 'der', type: 'spki' }).subarray(12))

type Curve = 'x25519' | 'ed25519'
interface PooledPair { publicKey: Uint8Array, secretKey: Uint8Array }
const pools: Record<Curve, PooledPair[]> = { x25519: [], ed25519: [] }
const PKCS8: Record<Curve, Buffer> = { x25519: X25519_PKCS8, ed25519: ED25519_PKCS8 }
const generate = promisify(generateKeyPair)

/** Fills the pool of one curve with `count` fresh key pairs from Node's asynchronous generator. */
export async function prefillKeyPairs (curve: Curve, count: number): Promise<void> {
  const BATCH = 500
  for (let done = 0; done < count; done += BATCH) {
    const pairs = await Promise.all(Array.from({ length: Math.min(BATCH, count - done) }, async () => generate(curve as 'x25519')))
    for (const pair of pairs) {
      const secretKey = new Uint8Array(Buffer.from(pair.privateKey.export({ format: 'jwk' }).d!, 'base64url'))
      imported.set(PKCS8[curve].toString('hex') + Buffer.from(secretKey).toString('hex'), pair.privateKey)
      pools[curve].push({ publicKey: rawPublic(pair.publicKey), secretKey })
    }
  }
}

/** How many pooled pairs are left, per curve. */
export const pooledKeyPairs = (): Record<Curve, number> => ({ x25519: pools.x25519.length, ed25519: pools.ed25519.length })

/** A pooled pair when the app's own random source asks and one is left; else one derived from `source`. */
function keyPair (curve: Curve, source: Random): PooledPair {
  if (source === appRandom) {
    const pooled = pools[curve].pop()
    if (pooled != null) return pooled
  }
  const secretKey = Uint8Array.from(source(32))
  return { publicKey: rawPublic(createPublicKey(privateKey(PKCS8[curve], secretKey))), secretKey }
}

export class WeakKeyError extends Error {
  override name = 'WeakKeyError'
  constructor (message = 'The other side sent a low-order X25519 public key; the shared secret would be all zeros') { super(message) }
}

type Random = (n: number) => Uint8Array
const bytes = (value: unknown, n: number, what: string): void => {
  if (!(value instanceof Uint8Array) || value.length !== n) throw new TypeError(`${what} must be ${n} bytes`)
}

export const x25519Module = {
  X25519_KEY_BYTES: 32,
  WeakKeyError,
  generateDhKeyPair (source: Random = appRandom) {
    return keyPair('x25519', source)
  },
  dhPublicKey (secretKey: Uint8Array): Uint8Array {
    bytes(secretKey, 32, 'secretKey')
    return rawPublic(createPublicKey(privateKey(X25519_PKCS8, secretKey)))
  },
  dh (secretKey: Uint8Array, theirs: Uint8Array): Uint8Array {
    bytes(secretKey, 32, 'secretKey')
    bytes(theirs, 32, 'publicKey')
    let shared: Uint8Array
    try {
      shared = new Uint8Array(diffieHellman({ privateKey: privateKey(X25519_PKCS8, secretKey), publicKey: publicKey(X25519_SPKI, theirs) }))
    } catch {
      throw new WeakKeyError()
    }
    if (shared.every((b) => b === 0)) throw new WeakKeyError()
    return shared
  }
}

export const ed25519Module = {
  PUBLIC_KEY_BYTES: 32,
  SECRET_KEY_BYTES: 32,
  SIGNATURE_BYTES: 64,
  generateSigningKeyPair (source: Random = appRandom) {
    return keyPair('ed25519', source)
  },
  publicKeyFromSecret (secretKey: Uint8Array): Uint8Array {
    bytes(secretKey, 32, 'secretKey')
    return rawPublic(createPublicKey(privateKey(ED25519_PKCS8, secretKey)))
  },
  sign (secretKey: Uint8Array, message: Uint8Array): Uint8Array {
    bytes(secretKey, 32, 'secretKey')
    return new Uint8Array(nodeSign(null, message, privateKey(ED25519_PKCS8, secretKey)))
  },
  verifySignature (signature: Uint8Array, message: Uint8Array, key: Uint8Array): boolean {
    if (!(signature instanceof Uint8Array) || signature.length !== 64 || !(key instanceof Uint8Array) || key.length !== 32 || !(message instanceof Uint8Array)) return false
    // A pure function: the same bundle and identity signatures are checked thousands of times here.
    const id = Buffer.concat([signature, key, message]).toString('base64')
    let valid = verified.get(id)
    if (valid == null) {
      try {
        valid = nodeVerify(null, message, publicKey(ED25519_SPKI, key), signature)
      } catch {
        valid = false
      }
      if (verified.size >= 50_000) verified.delete(verified.keys().next().value!)
      verified.set(id, valid)
    }
    return valid
  }
}
