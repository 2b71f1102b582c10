import { PatchDidNotApplyError } from './webrtc-init-channel-race.ts'

/**
 * Lets the relay say where an inbound websocket really comes from, in @libp2p/websockets
 * 10.1.x (dist/src/listener.js), the relay's alone.
 *
 * Behind a reverse proxy (deploy/nginx-murmur.conf) every libp2p connection comes from the
 * proxy's address, so per-address limits (connections per IP, reservations per IP, DHT
 * quotas per /24) would count every person as one. The listener builds a connection's
 * remote address from `req.socket.remoteAddress`, the proxy's, and has the upgrade request
 * with the proxy's headers in hand. The patch asks a hook first: `murmurClientEndpoint` on
 * the listener's `http` options (the object the relay passed as `webSockets({ http })`,
 * which Node's http.createServer ignores), returning `[address, port]` or undefined.
 * relay/client-address.ts answers from X-Real-IP or X-Forwarded-For only when the socket's
 * address is a configured trusted proxy. Without the hook nothing changes.
 *
 * Applied by the relay's Node module hook (relay/patch-hooks.mjs);
 * test/unit/patches/websockets-client-address.test.ts checks that it still applies.
 */
export const WEBSOCKETS_LISTENER_TARGET = /@libp2p\/websockets\/dist\/src\/listener\.js$/

export const CLIENT_ENDPOINT_HOOK = 'murmurClientEndpoint'

const FROM = "remoteAddr: toMultiaddr(req.socket.remoteAddress ?? '0.0.0.0', req.socket.remotePort ?? 0).encapsulate('/ws'),"
const TO = `remoteAddr: toMultiaddr(...(this.httpOptions?.${CLIENT_ENDPOINT_HOOK}?.(req) ?? [req.socket.remoteAddress ?? '0.0.0.0', req.socket.remotePort ?? 0])).encapsulate('/ws'),`

/** Applies the patch to the module's source; throws when the upstream code moved. */
export function patchWebsocketsClientAddress (source: string): string {
  const at = source.indexOf(FROM)
  if (at === -1 || source.indexOf(FROM, at + 1) !== -1) {
    throw new PatchDidNotApplyError(`@libp2p/websockets changed: "${FROM}" not found exactly once; re-check how the listener names a connection's remote address`)
  }
  return source.replace(FROM, TO)
}
