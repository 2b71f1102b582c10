import { scryptAsync } from '@noble/hashes/scrypt.js'
import { assertAnyBytes } from './bytes.ts'
import { randomBytes, type RandomSource } from './random.ts'

export const PASSPHRASE_KEY_BYTES = 32
export const PASSPHRASE_SALT_BYTES = 16
// RFC 8018 section 4.1: a salt of at least eight octets. We make 16; stored params may be read
// back from older data, so only the RFC's floor is enforced.
const MIN_SALT_BYTES = 8

export interface PassphraseKdfParams {
  algorithm: 'scrypt'
  N: number
  r: number
  p: number
  salt: Uint8Array
}

export interface DerivePassphraseKeyOptions {
  /** Called with the fraction done, from 0 to 1. */
  onProgress?: (fraction: number) => void
  signal?: AbortSignal
}

/**
 * scrypt cost (RFC 7914 section 2): 128 * N * r bytes = 128 MiB of memory per derivation.
 * Calibrated by timing derivePassphraseKey (noble scryptAsync) in Node 20.20 on the project's
 * 2-core machine, which other test runs were sharing: at load average ~3, N = 2**17 took
 * 0.88-1.2 s (sync scrypt 0.72 s) and N = 2**16 0.38-0.63 s; at load ~5 both took 2-3x longer.
 * 2**17 is the power of two nearest the 0.5-1 s budget from above, and OWASP's floor for
 * scrypt with r = 8, p = 1; phones will take longer, which the progress callback is for.
 */
export const DEFAULT_SCRYPT = { N: 2 ** 17, r: 8, p: 1 } as const

/** Fresh parameters for a new passphrase: the default cost and a random salt. */
export function createPassphraseKdfParams (random: RandomSource = randomBytes): PassphraseKdfParams {
  return { algorithm: 'scrypt', ...DEFAULT_SCRYPT, salt: Uint8Array.from(random(PASSPHRASE_SALT_BYTES)) }
}

function assertParams (params: PassphraseKdfParams): void {
  if (params?.algorithm !== 'scrypt') throw new TypeError('params.algorithm must be \'scrypt\'')
  const { N, r, p, salt } = params
  // Bounds keep stored (possibly corrupted) params from asking for gigabytes or for nothing.
  if (!Number.isSafeInteger(N) || N < 2 ** 10 || N > 2 ** 20 || (N & (N - 1)) !== 0) {
    throw new RangeError(`params.N must be a power of two from 2**10 to 2**20, got ${N}`)
  }
  if (!Number.isSafeInteger(r) || r < 1 || r > 32) throw new RangeError(`params.r must be an integer from 1 to 32, got ${r}`)
  if (!Number.isSafeInteger(p) || p < 1 || p > 16) throw new RangeError(`params.p must be an integer from 1 to 16, got ${p}`)
  // RFC 7914 section 5: scrypt needs 128 * N * r bytes; noble refuses more than 1 GiB.
  if (128 * N * r > 2 ** 30) throw new RangeError(`params.N * params.r asks for more than 1 GiB of memory (N = ${N}, r = ${r})`)
  assertAnyBytes(salt, 'params.salt')
  if (salt.length < MIN_SALT_BYTES) throw new TypeError(`params.salt must be at least ${MIN_SALT_BYTES} bytes`)
}

function throwIfAborted (signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new DOMException('Deriving the key from the passphrase was cancelled', 'AbortError')
}

/**
 * The 32-byte storage key for a passphrase, by scrypt. The passphrase is NFKC-normalized before
 * UTF-8 encoding, so the same words typed on another keyboard or OS give the same key.
 * Yields to the event loop as it goes so the page stays responsive; an abort is noticed at the
 * next progress step and rejects with an AbortError.
 */
export async function derivePassphraseKey (passphrase: string, params: PassphraseKdfParams, options: DerivePassphraseKeyOptions = {}): Promise<Uint8Array> {
  if (typeof passphrase !== 'string') throw new TypeError('passphrase must be a string')
  assertParams(params)
  const { onProgress, signal } = options
  throwIfAborted(signal)
  const password = new TextEncoder().encode(passphrase.normalize('NFKC'))
  try {
    const key = await scryptAsync(password, params.salt, {
      N: params.N,
      r: params.r,
      p: params.p,
      dkLen: PASSPHRASE_KEY_BYTES,
      // noble wipes its work buffers and rethrows when this callback throws.
      onProgress: (fraction) => {
        throwIfAborted(signal)
        onProgress?.(fraction)
      }
    })
    throwIfAborted(signal)
    return key
  } finally {
    password.fill(0)
  }
}
