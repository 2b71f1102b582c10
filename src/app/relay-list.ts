import { multiaddr } from '@multiformats/multiaddr'
import { ReasonedError } from '../core/errors.ts'

/**
 * Where the app's relay list comes from, merged in this order (first is tried first):
 * 1. the relay that served the app (first in its /murmur-config.json): it is up;
 * 2. relays the person added in Settings (kept in this browser);
 * 3. relays built into the app (VITE_MURMUR_RELAYS, comma-separated);
 * 4. the serving relay's neighbours (the rest of /murmur-config.json).
 */
export interface RelaySources {
  served: readonly string[]
  user: readonly string[]
  buildTime: readonly string[]
}

export type RelayAddressErrorReason =
  | 'empty'
  | 'malformed' // not a multiaddr at all
  | 'circuit' // an address through a relay, not a relay's own
  | 'not-websocket' // no /ws or /wss
  | 'no-peer-id' // does not end in /p2p/<peer id>
  | 'duplicate' // in the person's list already

/** A relay address refused; the UI words it by `reason` (src/ui/i18n/errors.ts). */
export class RelayAddressError extends ReasonedError<RelayAddressErrorReason> {
  override name = 'RelayAddressError'
  /** 'malformed': the text as typed (trimmed), which the sentence quotes. */
  readonly input: string | undefined
  constructor (reason: RelayAddressErrorReason, message: string, options: { input?: string, cause?: unknown } = {}) {
    super(reason, message, { cause: options.cause })
    this.input = options.input
  }
}

/** A relay address a browser can use: websockets, no circuit, ending in /p2p/<peer id>. */
export function parseRelayAddress (text: string): string {
  const trimmed = text.trim()
  if (trimmed === '') throw new RelayAddressError('empty', 'Enter a relay address, such as /dns4/relay.example/tcp/443/wss/p2p/12D3KooW…')
  let ma
  try {
    ma = multiaddr(trimmed)
  } catch {
    throw new RelayAddressError('malformed', `"${trimmed}" is not a relay address: it should look like /dns4/relay.example/tcp/443/wss/p2p/12D3KooW…`, { input: trimmed })
  }
  const names = ma.getComponents().map((c) => c.name)
  if (names.includes('p2p-circuit')) throw new RelayAddressError('circuit', 'That is an address reached through a relay, not a relay\'s own address.')
  if (!names.includes('ws') && !names.includes('wss')) {
    throw new RelayAddressError('not-websocket', 'A browser reaches relays over websockets: the address needs /ws or /wss (as the relay prints it).')
  }
  if (names.at(-1) !== 'p2p') throw new RelayAddressError('no-peer-id', 'The address must end in /p2p/<peer id>, as the relay prints it ("Relay address: …").')
  return ma.toString()
}

/** VITE_MURMUR_RELAYS: a bad entry in the build is a clear error, not a silent gap. */
export function parseRelayListSetting (value: string | undefined, source: string): string[] {
  if (value == null) return []
  return value.split(',').filter((s) => s.trim() !== '').map((s) => {
    try {
      return parseRelayAddress(s)
    } catch (err) {
      const known = err instanceof RelayAddressError ? err : undefined
      throw new RelayAddressError(known?.reason ?? 'malformed', `${source}: ${(err as Error).message}`, { input: known?.input, cause: err })
    }
  })
}

export function mergeRelays (sources: RelaySources): string[] {
  const [serving, ...neighbours] = sources.served
  const ordered = [...(serving == null ? [] : [serving]), ...sources.user, ...sources.buildTime, ...neighbours]
  return [...new Set(ordered)]
}

/** Just what the list needs of localStorage, so tests can hand in a plain object. */
export interface KeyValueStorage {
  getItem: (key: string) => string | null
  setItem: (key: string, value: string) => void
}

const USER_RELAYS_KEY = 'murmur:relays'

/** The relays this person added. Unreadable storage reads as none: the served list still works. */
export function loadUserRelays (storage: KeyValueStorage): string[] {
  try {
    const value: unknown = JSON.parse(storage.getItem(USER_RELAYS_KEY) ?? '[]')
    if (!Array.isArray(value)) return []
    return value.filter((v): v is string => typeof v === 'string').flatMap((v) => {
      try { return [parseRelayAddress(v)] } catch { return [] }
    })
  } catch {
    return []
  }
}

/** Adds one relay; a bad address throws RelayAddressError and leaves the list as it was. */
export function addUserRelay (storage: KeyValueStorage, text: string): string[] {
  const addr = parseRelayAddress(text)
  const list = loadUserRelays(storage)
  if (list.includes(addr)) throw new RelayAddressError('duplicate', 'That relay is in the list already.')
  const next = [...list, addr]
  storage.setItem(USER_RELAYS_KEY, JSON.stringify(next))
  return next
}

export function removeUserRelay (storage: KeyValueStorage, addr: string): string[] {
  const next = loadUserRelays(storage).filter((a) => a !== addr)
  storage.setItem(USER_RELAYS_KEY, JSON.stringify(next))
  return next
}
