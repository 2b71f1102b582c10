import { mkdir, open, readFile, rename } from 'node:fs/promises'
import { dirname } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { propertyOf } from '../src/diagnostics/index.ts'

export class IdentityError extends Error {
  override name = 'IdentityError'
}

/**
 * The relay's libp2p key, made once and kept in `path` so its PeerId (and so every
 * multiaddr the tabs have saved) survives restarts. The file is written to a temporary
 * name with mode 0600 and renamed into place, so a crash never leaves half a key.
 */
export async function loadOrCreatePrivateKey (
  path: string,
  generate: () => Promise<PrivateKey> = async () => generateKeyPair('Ed25519')
): Promise<PrivateKey> {
  let bytes: Uint8Array | undefined
  try {
    bytes = await readFile(path)
  } catch (err) {
    if (propertyOf(err, 'code') !== 'ENOENT') throw err
  }
  if (bytes != null) {
    try {
      return privateKeyFromProtobuf(bytes)
    } catch {
      throw new IdentityError(`The relay key in ${path} is damaged. Restore it from a backup, or delete it to make a new one (the relay's address will change).`)
    }
  }

  const key = await generate()
  await mkdir(dirname(path), { recursive: true, mode: 0o700 })
  const temporary = `${path}.${process.pid}.tmp`
  const file = await open(temporary, 'wx', 0o600)
  try {
    await file.writeFile(privateKeyToProtobuf(key))
    await file.sync()
  } finally {
    await file.close()
  }
  await rename(temporary, path)
  return key
}
