import { propertyOf } from '../diagnostics/index.ts'
import type { Identity } from '../core/identity.ts'
import { decodePresence, encodePresence, presenceKey, type Presence } from '../core/presence.ts'
import type { MurmurNode } from './node.ts'

/** How long a published presence record stays valid, and how often it is refreshed. */
export const PRESENCE_TTL_MS = 60 * 60 * 1000
export const PRESENCE_REFRESH_MS = 20 * 60 * 1000

/**
 * The addresses a contact can dial to reach this tab directly: relay circuit addresses
 * that end in `/webrtc`, so a dial signals through the relay and then goes direct.
 */
export function directDialAddresses (node: MurmurNode): string[] {
  return node.getMultiaddrs()
    .map((ma) => ma.toString())
    .filter((ma) => ma.includes('/p2p-circuit/webrtc/'))
}

/** Signs and stores this profile's presence ("coordinates") in the DHT. */
export async function publishPresence (
  node: MurmurNode,
  identity: Identity,
  seq: number,
  options: { signal?: AbortSignal, now?: number } = {}
): Promise<Presence | undefined> {
  const addrs = directDialAddresses(node)
  if (addrs.length === 0) return undefined
  const now = options.now ?? Date.now()
  const fields = {
    seq,
    expiresAt: now + PRESENCE_TTL_MS,
    peers: [{ peerId: node.peerId.toString(), addrs }]
  }
  const record = encodePresence(identity, fields)
  await node.contentRouting.put(presenceKey(identity.publicKey), record, { signal: options.signal })
  return { publicKey: identity.publicKey, ...fields }
}

/** Looks up a contact's freshest valid presence record; undefined when the DHT has none. */
export async function findPresence (
  node: MurmurNode,
  publicKey: Uint8Array,
  options: { signal?: AbortSignal } = {}
): Promise<Presence | undefined> {
  try {
    const value = await node.contentRouting.get(presenceKey(publicKey), { signal: options.signal })
    return decodePresence(value)
  } catch (err) {
    if (isNotFound(err)) return undefined
    throw err
  }
}

/**
 * libp2p 3 asks every content router with Promise.any, so "no record" arrives as an
 * AggregateError around NotFoundError; a record that fails our checks counts as none.
 */
export function isNotFound (err: unknown): boolean {
  const name = propertyOf(err, 'name')
  if (name === 'NotFoundError' || name === 'InvalidRecordError') return true
  return err instanceof AggregateError && err.errors.length > 0 && err.errors.every(isNotFound)
}
