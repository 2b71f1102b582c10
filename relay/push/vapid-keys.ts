import { mkdir, open, readFile, rename } from 'node:fs/promises'
import { dirname } from 'node:path'
import { webPush } from './web-push-lib.ts'
import { propertyOf } from '../../src/diagnostics/index.ts'

export class VapidKeyError extends Error {
  override name = 'VapidKeyError'
}

/** The relay's VAPID key pair (RFC 8292), base64url as the Push API and web-push want them. */
export interface VapidKeys {
  /** Uncompressed P-256 point, 65 bytes: what a browser passes as applicationServerKey. */
  publicKey: string
  /** The 32-byte P-256 scalar. */
  privateKey: string
}

function isVapidKeys (value: unknown): value is VapidKeys {
  if (typeof value !== 'object' || value == null) return false
  const { publicKey, privateKey } = value as Record<string, unknown>
  return typeof publicKey === 'string' && Buffer.from(publicKey, 'base64url').length === 65 &&
    typeof privateKey === 'string' && Buffer.from(privateKey, 'base64url').length === 32
}

/**
 * Made once and kept in `path`: a browser's push subscription is bound to the key it was
 * made with, so a new key would silently orphan every subscription. Written to a temporary
 * name with mode 0600 and renamed into place, so a crash never leaves half a key.
 */
export async function loadOrCreateVapidKeys (
  path: string,
  generate: () => VapidKeys = () => webPush.generateVAPIDKeys()
): Promise<VapidKeys> {
  let text: string | undefined
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if (propertyOf(err, 'code') !== 'ENOENT') throw err
  }
  if (text != null) {
    let parsed: unknown
    try { parsed = JSON.parse(text) } catch { parsed = undefined }
    if (!isVapidKeys(parsed)) {
      throw new VapidKeyError(`The VAPID key in ${path} is damaged. Restore it from a backup, or delete it to make a new one (every browser will then have to enable notifications again).`)
    }
    return { publicKey: parsed.publicKey, privateKey: parsed.privateKey }
  }

  const keys = generate()
  await mkdir(dirname(path), { recursive: true, mode: 0o700 })
  const temporary = `${path}.${process.pid}.tmp`
  const file = await open(temporary, 'wx', 0o600)
  try {
    await file.writeFile(JSON.stringify({ publicKey: keys.publicKey, privateKey: keys.privateKey }) + '\n')
    await file.sync()
  } finally {
    await file.close()
  }
  await rename(temporary, path)
  return keys
}
